using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Proposes simpler variants of a <see cref="TensorCase"/>, most aggressive first: a contiguous layout, fewer dims,
/// size-1, halved and one-shorter dims (keeping the leading or the trailing elements), then all-zero / all-one values
/// and, element by element, 0, 1, -1, the integers and half-integer next to the value, and half of it (truncated).
/// Every proposal is strictly simpler, and only values the case's <see cref="ValueRange"/> admits are proposed.
/// </summary>
public static class TensorShrinker
{
    /// <summary>
    /// Simpler cases than <paramref name="c"/>; the shape is kept when <paramref name="fixedShape"/> is set.
    /// </summary>
    public static IEnumerable<TensorCase> Shrink(TensorCase c, ValueRange range, bool fixedShape = false,
        int minRank = 0)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(range);
        if (c.Layout != Layouts.Contiguous) yield return c.AsContiguous();
        if (!fixedShape)
            foreach (var smaller in SmallerShapes(c, minRank)) yield return smaller;
        foreach (var simpler in SimplerValues(c, range)) yield return simpler;
    }

    private static IEnumerable<TensorCase> SmallerShapes(TensorCase c, int minRank)
    {
        // An expanded view's values belong to its source; shrink its shape as a contiguous tensor.
        var basis = c.Layout == Layouts.Expanded ? c.AsContiguous() : c;
        var shape = basis.Shape;
        for (int d = 0; d < shape.Length; d++)
            if (shape.Length > minRank && shape[d] >= 1) yield return Take(basis, d, 0, 1, removeDim: true);
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] > 1) yield return Take(basis, d, 0, 1, removeDim: false);
            if (shape[d] > 3) yield return Take(basis, d, 0, shape[d] / 2, removeDim: false);
            if (shape[d] > 3) yield return Take(basis, d, shape[d] / 2, shape[d] - shape[d] / 2, removeDim: false);
            if (shape[d] > 1) yield return Take(basis, d, 0, shape[d] - 1, removeDim: false);
            if (shape[d] > 1) yield return Take(basis, d, 1, shape[d] - 1, removeDim: false);
        }
    }

    // Entries start..start+count-1 along dim d (dropping the dim when count is 1 and removeDim is set), same layout.
    private static TensorCase Take(TensorCase c, int dim, int start, int count, bool removeDim)
    {
        var shape = c.Shape;
        var kept = (int[])shape.Clone();
        kept[dim] = count;
        long inner = 1;
        for (int d = dim + 1; d < shape.Length; d++) inner *= shape[d];
        long outer = c.Values.Length / Math.Max(1, inner * shape[dim]);
        var values = new List<double>();
        for (long o = 0; o < outer; o++)
            for (long i = 0; i < count * inner; i++) values.Add(c.Values[(o * shape[dim] + start) * inner + i]);
        int[] newShape = removeDim ? [.. shape[..dim], .. shape[(dim + 1)..]] : kept;
        return c.Layout switch
        {
            Layouts.Permuted when removeDim => c with { Shape = newShape, Values = [.. values],
                Order = DropFromOrder(c.Order!, dim) },
            Layouts.Sliced when removeDim => c with { Shape = newShape, Values = [.. values],
                Starts = [.. c.Starts![..dim], .. c.Starts[(dim + 1)..]] },
            _ => c with { Shape = newShape, Values = [.. values] },
        };
    }

    private static int[] DropFromOrder(int[] order, int dim) =>
        order.Where(d => d != dim).Select(d => d > dim ? d - 1 : d).ToArray();

    // Every proposal is strictly simpler by Simplicity, so greedy shrinking always terminates.
    private static IEnumerable<TensorCase> SimplerValues(TensorCase c, ValueRange range)
    {
        var limits = DTypeLimits.Of(c.DType);
        var values = c.Values;
        foreach (double all in new[] { 0.0, 1.0 })
            if (range.Admits(all, limits) && values.All(v => Simpler(all, v) || SameBits(all, v)) && values.Any(v
                => Simpler(all, v)))
                yield return c with { Values = Enumerable.Repeat(all, values.Length).ToArray() };
        for (int i = 0; i < values.Length; i++)
            foreach (double candidate in Candidates(values[i], c.DType))
                if (Simpler(candidate, values[i]) && range.Admits(candidate, limits))
                {
                    var next = (double[])values.Clone();
                    next[i] = candidate;
                    yield return c with { Values = next };
                }
    }

    // Ordering of values from simplest: 0, then integers (by magnitude, positive first), half-integers, other finite
    // values (by magnitude), infinities, NaN.
    private static (int Kind, double Magnitude, bool Negative) Simplicity(double v) => v switch
    {
        double.NaN => (5, 0, false),
        _ when double.IsInfinity(v) => (4, 0, v < 0),
        _ when v == 0 => (0, 0, double.IsNegative(v)),
        _ when v == Math.Floor(v) => (1, Math.Abs(v), v < 0),
        _ when 2 * v == Math.Floor(2 * v) => (2, Math.Abs(v), v < 0),
        _ => (3, Math.Abs(v), v < 0),
    };

    private static IEnumerable<double> Candidates(double v, DType dtype)
    {
        yield return 0;
        if (Math.Abs(v) > 1 || !double.IsFinite(v)) { yield return 1; yield return -1; }
        if (v < 0) yield return -v;
        if (!double.IsFinite(v)) yield break;
        yield return Math.Floor(v);
        yield return Math.Ceiling(v);
        if (dtype.IsFloatingPoint()) yield return Math.Round(v * 2) / 2;
        if (Math.Abs(v) > 1) yield return Math.Truncate(v / 2);
    }

    private static bool Simpler(double a, double b) => Simplicity(a).CompareTo(Simplicity(b)) < 0;

    private static bool SameBits(double a, double b)
        => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}

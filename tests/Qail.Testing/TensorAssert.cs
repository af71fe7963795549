using System.Globalization;
using Qail.Engine;
using Xunit.Sdk;

namespace Qail.Testing;

/// <summary>Assertions on tensors whose failure messages name the worst element, its index and both values.</summary>
public static class TensorAssert
{
    /// <summary>
    /// Passes when shapes match and every |actual - expected| &lt;= atol + rtol * |expected| (NaN matches NaN, infinities
    /// must match exactly); otherwise fails naming the worst element, its index, both values and the mismatch count.
    /// </summary>
    public static void AllClose(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(expected);
        AllClose(expected.ToDoubleArray(), expected.ShapeToArray(), actual, rtol, atol);
    }

    /// <summary><see cref="AllClose(Tensor, Tensor, double, double)"/> against row-major expected values of the given shape.</summary>
    public static void AllClose(double[] expected, int[] expectedShape, Tensor actual, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        CheckShape(expectedShape, actual);
        if (expected.Length != actual.ElementCount)
            throw new ArgumentException($"AllClose: {expected.Length} expected values for shape {Shapes.Format(expectedShape)}.", nameof(expected));
        var values = actual.ToDoubleArray();
        int worst = -1, mismatches = 0;
        double worstExcess = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double e = expected[i], a = values[i];
            double excess;
            if (double.IsNaN(e) || double.IsNaN(a)) excess = double.IsNaN(e) && double.IsNaN(a) ? 0 : double.PositiveInfinity;
            else if (double.IsInfinity(e) || double.IsInfinity(a)) excess = e == a ? 0 : double.PositiveInfinity;
            else excess = Math.Abs(a - e) - (atol + rtol * Math.Abs(e));
            if (excess > 0)
            {
                mismatches++;
                if (worst < 0 || excess > worstExcess)
                {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0)
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                $"AllClose failed (rtol {rtol}, atol {atol}): {mismatches} of {values.Length} elements differ in shape {Shapes.Format(expectedShape)}; " +
                $"worst at index {Shapes.Format(Unravel(worst, expectedShape))}: expected {expected[worst]:R}, actual {values[worst]:R} " +
                $"(|diff| {Math.Abs(values[worst] - expected[worst]):R})."));
        }
    }

    /// <summary>Passes when dtype, shape and every element's bits are identical (NaN payloads included).</summary>
    public static void Equal(Tensor expected, Tensor actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.DType != actual.DType)
            throw new XunitException($"Equal failed: dtype {expected.DType.Name()} expected, got {actual.DType.Name()}.");
        CheckShape(expected.ShapeToArray(), actual);
        // float -> double conversion is exact and injective, so comparing double bits compares the original bits.
        var e = Bits(expected);
        var a = Bits(actual);
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] != a[i])
            {
                int count = e.Where((v, j) => v != a[j]).Count();
                throw new XunitException(string.Create(CultureInfo.InvariantCulture,
                    $"Equal failed: {count} of {e.Length} elements differ in shape {Shapes.Format(expected.ShapeSpan)}; first at index " +
                    $"{Shapes.Format(Unravel(i, expected.ShapeToArray()))}: expected {BitConverter.Int64BitsToDouble(e[i]):R}, actual {BitConverter.Int64BitsToDouble(a[i]):R}."));
            }
        }
    }

    /// <summary>The multi-index of row-major position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    public static int[] Unravel(int flat, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static long[] Bits(Tensor t) => t.DType == DType.Int4Packed
        ? t.HostStorage().AsArray<byte>().Select(b => (long)b).ToArray()
        : t.ToDoubleArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static void CheckShape(int[] expectedShape, Tensor actual)
    {
        if (!Shapes.Equal(expectedShape, actual.ShapeSpan))
            throw new XunitException($"Shape mismatch: expected {Shapes.Format(expectedShape)}, actual {Shapes.Format(actual.ShapeSpan)}.");
    }
}

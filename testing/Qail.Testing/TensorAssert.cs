using System.Globalization;
using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Assertions on tensors whose failure messages name the worst element, its multi-index, both values and how many
/// elements fail. They throw <see cref="NumericAssertionException"/>, which every test framework reports as a failure.
/// </summary>
public static class TensorAssert
{
    /// <summary>
    /// Passes when shapes match and every element of <paramref name="actual"/> is within <paramref name="tolerance"/>
    /// of its expected one.
    /// </summary>
    public static void Close(Tensor expected, Tensor actual, Tolerance tolerance, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(tolerance);
        if (tolerance.Kind == ToleranceKind.Exact && expected.DType != actual.DType)
            throw Fail(label, $"dtype {expected.DType.Name()} expected, got {actual.DType.Name()}.");
        Compare(Values(expected), expected.ShapeToArray(), actual, tolerance, label,
            expected.DType == DType.Float32 && actual.DType == DType.Float32);
    }

    /// <summary>
    /// Passes when shapes match and every |actual - expected| &lt;= atol + rtol * |expected| (NaN matches NaN,
    /// infinities
    /// must match exactly); otherwise fails naming the worst element, its index, both values and the mismatch count.
    /// </summary>
    public static void AllClose(Tensor expected, Tensor actual, double rtol = 1e-5, double atol = 1e-8) =>
        Close(expected, actual, Tolerance.Close(rtol, atol));

    /// <summary>
    /// <see cref="AllClose(Tensor, Tensor, double, double)"/> against row-major expected values of the given shape.
    /// </summary>
    public static void AllClose(double[] expected, int[] expectedShape, Tensor actual, double rtol = 1e-5,
        double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(expectedShape);
        ArgumentNullException.ThrowIfNull(actual);
        if (expected.Length != Shapes.ElementCount(expectedShape))
            throw new ArgumentException(
                $"AllClose: {expected.Length} expected values for shape {Shapes.Format(expectedShape)}.",
                nameof(expected));
        Compare(expected, expectedShape, actual, Tolerance.Close(rtol, atol), null, false);
    }

    /// <summary>
    /// Passes when every element is at most <paramref name="maxUlps"/> representable values from its expected one.
    /// </summary>
    public static void WithinUlps(Tensor expected, Tensor actual, long maxUlps) => Close(expected, actual,
        Tolerance.Ulps(maxUlps));

    /// <summary>
    /// Passes when dtype, shape and every element's bits are identical (NaN payloads and signed zeros included).
    /// </summary>
    public static void Equal(Tensor expected, Tensor actual) => Close(expected, actual, Tolerance.Exact);

    /// <summary>The multi-index of row-major position <paramref name="flat"/> in <paramref name="shape"/>.</summary>
    public static int[] Unravel(long flat, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            if (shape[d] == 0) break;
            index[d] = (int)(flat % shape[d]);
            flat /= shape[d];
        }
        return index;
    }

    private static void Compare(double[] expected, int[] shape, Tensor actual, Tolerance tolerance, string? label,
        bool float32)
    {
        if (!Shapes.Equal(shape, actual.ShapeSpan))
            throw Fail(label,
                $"shape mismatch: expected {Shapes.Format(shape)}, actual {Shapes.Format(actual.ShapeSpan)}.");
        var values = Values(actual);
        int worst = -1, mismatches = 0;
        double worstExcess = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double excess = tolerance.Excess(expected[i], values[i], float32);
            if (!(excess > 0)) continue;
            mismatches++;
            if (worst < 0 || excess > worstExcess) (worst, worstExcess) = (i, excess);
        }
        if (worst < 0) return;
        double e = expected[worst], a = values[worst];
        string distance = tolerance.Kind == ToleranceKind.Ulps
            ? $"{Tolerance.UlpDistance(e, a, float32):R} ulps"
            : $"|diff| {Math.Abs(a - e):R}";
        throw Fail(label, string.Create(CultureInfo.InvariantCulture,
            $"{mismatches} of {values.Length} elements differ ({tolerance}) in shape {Shapes.Format(shape)}; " +
            $"worst at index {Shapes.Format(Unravel(worst, shape))}: expected {e:R}, actual {a:R} ({distance})."));
    }

    // float -> double is exact and injective, so comparing doubles compares the stored values (and their bits).
    private static double[] Values(Tensor t) => t.DType == DType.Int4Packed ? Int4Codes(t) : t.ToDoubleArray();

    private static double[] Int4Codes(Tensor t)
    {
        var bytes = t.HostStorage().AsArray<byte>();
        return Enumerable.Range(0, (int)t.ElementCount).Select(i
            => (double)((sbyte)(bytes[i / 2] << (4 * (1 - i % 2))) >> 4)).ToArray();
    }

    private static NumericAssertionException Fail(string? label, string detail) =>
        new(label is null ? $"TensorAssert failed: {detail}" : $"{label}: {detail}");
}

using System.Globalization;

namespace Qail.Testing;

/// <summary>
/// When an actual element counts as equal to its expected one: bit for bit (<see cref="Exact"/>), within a number of
/// units in the last place (<see cref="Ulps"/>, counted in float32 when both tensors are float32), or within
/// |actual - expected| &lt;= Absolute + Relative * |expected| (<see cref="Close"/>). NaN matches NaN; infinities must
/// match
/// exactly, except under <see cref="Exact"/>, where every bit (NaN payload, sign of zero) must.
/// </summary>
public sealed record Tolerance
{
    private Tolerance(ToleranceKind kind, double relative, double absolute, long ulps) =>
        (Kind, Relative, Absolute, MaxUlps) = (kind, relative, absolute, ulps);

    /// <summary>Which comparison applies.</summary>
    public ToleranceKind Kind { get; }

    /// <summary>Relative tolerance of <see cref="ToleranceKind.Close"/>.</summary>
    public double Relative { get; }

    /// <summary>Absolute tolerance of <see cref="ToleranceKind.Close"/>.</summary>
    public double Absolute { get; }

    /// <summary>Largest ULP distance of <see cref="ToleranceKind.Ulps"/>.</summary>
    public long MaxUlps { get; }

    /// <summary>Bit equality (for integer kernels and for paths that must not reorder float sums).</summary>
    public static Tolerance Exact { get; } = new(ToleranceKind.Exact, 0, 0, 0);

    /// <summary>|actual - expected| &lt;= atol + rtol * |expected| (NumPy's allclose).</summary>
    public static Tolerance Close(double rtol = 1e-5, double atol = 1e-8)
    {
        if (!(rtol >= 0) || !(atol >= 0)) throw new ArgumentOutOfRangeException(nameof(rtol),
            $"Tolerance.Close: rtol {rtol} and atol {atol} must be >= 0.");
        return new(ToleranceKind.Close, rtol, atol, 0);
    }

    /// <summary>At most <paramref name="maxUlps"/> representable values apart.</summary>
    public static Tolerance Ulps(long maxUlps)
    {
        if (maxUlps < 0) throw new ArgumentOutOfRangeException(nameof(maxUlps), maxUlps,
            "Tolerance.Ulps: must be >= 0.");
        return new(ToleranceKind.Ulps, 0, 0, maxUlps);
    }

    /// <summary>
    /// How far beyond the tolerance the pair lies (&lt;= 0 passes); infinite for NaN/infinity mismatches.
    /// </summary>
    internal double Excess(double expected, double actual, bool float32)
    {
        if (Kind == ToleranceKind.Exact)
            return BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual) ? 0
                : double.IsFinite(expected - actual) && expected != actual ? Math.Abs(expected - actual)
                    : double.PositiveInfinity;
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual)
            ? 0 : double.PositiveInfinity;
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual ? 0
            : double.PositiveInfinity;
        return Kind == ToleranceKind.Ulps
            ? UlpDistance(expected, actual, float32) - MaxUlps
            : Math.Abs(actual - expected) - (Absolute + Relative * Math.Abs(expected));
    }

    /// <summary>
    /// Representable values between <paramref name="a"/> and <paramref name="b"/> (in float32 or float64).
    /// </summary>
    public static double UlpDistance(double a, double b, bool float32)
    {
        if (float32)
            return Math.Abs((double)Ordered(BitConverter.SingleToInt32Bits((float)a))
                - Ordered(BitConverter.SingleToInt32Bits((float)b)));
        return Math.Abs((double)Ordered(BitConverter.DoubleToInt64Bits(a))
            - Ordered(BitConverter.DoubleToInt64Bits(b)));
    }

    // Maps float bits to integers that count up with the value; -0 and +0 both map to 0.
    private static long Ordered(long bits) => bits < 0 ? long.MinValue - bits : bits;

    private static long Ordered(int bits) => bits < 0 ? int.MinValue - (long)bits : bits;

    /// <summary>Short text for failure messages.</summary>
    public override string ToString() => Kind switch
    {
        ToleranceKind.Exact => "bit-exact",
        ToleranceKind.Ulps => string.Create(CultureInfo.InvariantCulture, $"within {MaxUlps} ulps"),
        _ => string.Create(CultureInfo.InvariantCulture, $"rtol {Relative}, atol {Absolute}"),
    };
}

/// <summary>The comparisons a <see cref="Tolerance"/> can make.</summary>
public enum ToleranceKind
{
    /// <summary>Every bit equal.</summary>
    Exact,
    /// <summary>Absolute plus relative tolerance.</summary>
    Close,
    /// <summary>Units in the last place.</summary>
    Ulps,
}

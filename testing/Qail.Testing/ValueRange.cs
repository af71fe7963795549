namespace Qail.Testing;

/// <summary>
/// Which values a generated tensor holds: uniform in [Min, Max]; with probability <see cref="BoundaryFraction"/> a
/// value
/// next to a rounding boundary (k + 0.5 plus or minus a tiny offset, or exactly k + 0.5); with probability
/// <see cref="ExtremeFraction"/> a limit of the dtype (largest finite, smallest subnormal, signed zero; integer min and
/// max), ignoring [Min, Max]; with probability <see cref="SpecialFraction"/> NaN or an infinity (floating point only).
/// Integer dtypes (packed int4 included) take integers in [Min, Max] clipped to the dtype's range.
/// </summary>
public sealed record ValueRange(
    double Min = -3, double Max = 3, double BoundaryFraction = 0, double ExtremeFraction = 0,
        double SpecialFraction = 0)
{
    /// <summary>Values in [-3, 3]: the default for floating-point ops.</summary>
    public static ValueRange Default { get; } = new();

    /// <summary>Strictly positive values in [0.1, 4] (for log, sqrt, division).</summary>
    public static ValueRange Positive { get; } = new(0.1, 4);

    /// <summary>Values in [-4, 4] with a third of them at or next to k + 0.5 (for rounding and quantization).</summary>
    public static ValueRange NearRoundingBoundaries { get; } = new(-4, 4, 1.0 / 3);

    /// <summary>Small integers in [-5, 5] (exact in every dtype).</summary>
    public static ValueRange SmallIntegers { get; } = new(-5, 5);

    /// <summary>
    /// Values in [-3, 3] with a tenth at the dtype's limits and a tenth NaN or infinite (for edge-case sweeps).
    /// </summary>
    public static ValueRange WithNonFinite { get; } = new(-3, 3, 0, 0.1, 0.1);

    /// <summary>Throws naming the field when the range is empty or a fraction is outside [0, 1].</summary>
    public void Validate()
    {
        if (!(Min <= Max)) throw new ArgumentException($"ValueRange: Min {Min} must not exceed Max {Max}.");
        foreach (var (name, f) in new[] { ("BoundaryFraction", BoundaryFraction), ("ExtremeFraction", ExtremeFraction),
                     ("SpecialFraction", SpecialFraction) })
            if (!(f is >= 0 and <= 1)) throw new ArgumentException($"ValueRange: {name} {f} is outside [0, 1].");
        if (BoundaryFraction + ExtremeFraction + SpecialFraction > 1)
            throw new ArgumentException(
                "ValueRange: the boundary, extreme and special fractions add up to more than 1.");
    }

    /// <summary>The limit values <see cref="ExtremeFraction"/> draws from for <paramref name="dtype"/>.</summary>
    public static IReadOnlyList<double> LimitValues(Qail.Engine.DType dtype) => DTypeLimits.Of(dtype).Extremes;

    /// <summary>
    /// One element value of <paramref name="dtype"/> drawn from this range, exactly representable in it.
    /// </summary>
    public double Sample(CaseRandom random, Qail.Engine.DType dtype)
    {
        ArgumentNullException.ThrowIfNull(random);
        return ValueSampler.Next(random, dtype, this);
    }

    /// <summary>
    /// True when <paramref name="value"/> could have come from this range for <paramref name="limits"/>.
    /// </summary>
    internal bool Admits(double value, DTypeLimits limits) =>
        (value >= Min && value <= Max) || (ExtremeFraction > 0 && limits.Extremes.Contains(value))
        || (SpecialFraction > 0 && !double.IsFinite(value));
}

namespace Qail.Testing;

/// <summary>
/// Which values a generated tensor holds: uniform in [Min, Max], and with probability <see cref="BoundaryFraction"/>
/// a value next to a rounding boundary (k + 0.5 plus or minus a tiny offset, or exactly k + 0.5).
/// Integer dtypes (packed int4 included) take integers in [Min, Max] clipped to the dtype's range.
/// </summary>
public sealed record ValueRange(double Min = -3, double Max = 3, double BoundaryFraction = 0)
{
    /// <summary>Values in [-3, 3]: the default for floating-point ops.</summary>
    public static ValueRange Default { get; } = new();

    /// <summary>Strictly positive values in [0.1, 4] (for log, sqrt, division).</summary>
    public static ValueRange Positive { get; } = new(0.1, 4);

    /// <summary>Values in [-4, 4] with a third of them at or next to k + 0.5 (for rounding and quantization).</summary>
    public static ValueRange NearRoundingBoundaries { get; } = new(-4, 4, 1.0 / 3);

    /// <summary>Small integers in [-5, 5] (exact in every dtype).</summary>
    public static ValueRange SmallIntegers { get; } = new(-5, 5);
}

using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Integer range and limit values of a dtype, and the rounding that makes a double exactly representable in it.
/// </summary>
internal sealed record DTypeLimits(double Lowest, double Highest, double[] Extremes)
{
    public static DTypeLimits Of(DType dtype) => dtype switch
    {
        DType.Float32 => new(double.NegativeInfinity, double.PositiveInfinity,
            [float.MaxValue, -float.MaxValue, float.Epsilon, -float.Epsilon, 1.1754943508222875e-38, 0.0, -0.0]),
        DType.Float64 => new(double.NegativeInfinity, double.PositiveInfinity,
            [double.MaxValue, -double.MaxValue, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, 0.0, -0.0]),
        DType.Int32 => new(int.MinValue, int.MaxValue, [int.MinValue, int.MaxValue, 0, -1]),
        DType.Int8 => new(sbyte.MinValue, sbyte.MaxValue, [sbyte.MinValue, sbyte.MaxValue, 0, -1]),
        DType.UInt8 => new(0, 255, [0, 255, 1]),
        DType.Int4Packed => new(-8, 7, [-8, 7, 0, -1]),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Unknown dtype."),
    };

    /// <summary>
    /// <paramref name="value"/> as the dtype stores it (float32 rounding; integers are already exact).
    /// </summary>
    public static double Representable(double value, DType dtype) => dtype == DType.Float32 ? (float)value : value;
}

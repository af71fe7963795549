using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Draws one element value of a dtype from a <see cref="ValueRange"/>, exactly representable in the dtype.
/// </summary>
internal static class ValueSampler
{
    private static readonly double[] NonFinite = [double.NaN, double.PositiveInfinity, double.NegativeInfinity];

    public static double Next(CaseRandom random, DType dtype, ValueRange range)
    {
        var limits = DTypeLimits.Of(dtype);
        double pick = random.NextDouble();
        if (pick < range.SpecialFraction && dtype.IsFloatingPoint()) return random.Pick(NonFinite);
        pick -= range.SpecialFraction;
        if (pick < range.ExtremeFraction) return random.Pick(limits.Extremes);
        pick -= range.ExtremeFraction;
        if (!dtype.IsFloatingPoint())
        {
            double lo = Math.Max(limits.Lowest, Math.Ceiling(range.Min)), hi = Math.Min(limits.Highest,
                Math.Floor(range.Max));
            if (lo > hi)
                throw new ArgumentException($"ValueRange [{range.Min}, {range.Max}] holds no {dtype.Name()} value.");
            return Math.Floor(lo + random.NextDouble() * (hi - lo + 1));
        }
        if (pick < range.BoundaryFraction && range.Max - range.Min >= 1)
        {
            double tiny = dtype == DType.Float32 ? 1e-5 : 1e-12;
            int k = random.Next((int)Math.Ceiling(range.Min - 0.5), (int)Math.Floor(range.Max - 0.5));
            double v = k + 0.5 + random.Pick([-tiny, 0.0, tiny]);
            return DTypeLimits.Representable(Math.Clamp(v, range.Min, range.Max), dtype);
        }
        double u = range.Min + (range.Max - range.Min) * random.NextDouble();
        return DTypeLimits.Representable(u, dtype);
    }
}

using Qail.Kernels.Cpu;

namespace Qail.Quantization.Observers;

/// <summary>
/// Searches the clipping range that minimises the mean squared quantization error of the given values:
/// shrinking the range trades clipping error on outliers for finer steps on the bulk (useful at 4 bits and below).
/// </summary>
public static class MseClippingSearch
{
    /// <summary>
    /// Candidate ranges are the full range scaled by 1, 1 - 1/steps, ..., down to <paramref name="minRatio"/>.
    /// </summary>
    public static (float Min, float Max) Find(ReadOnlySpan<float> values, TensorQuantSpec spec, int steps = 40,
        double minRatio = 0.3)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "Need at least one step.");
        if (minRatio is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(minRatio), minRatio, "Ratio must lie in (0, 1].");
        var (min, max) = ObservedValues.MinMax(values, nameof(MseClippingSearch));
        var best = (min, max);
        double bestError = double.PositiveInfinity;
        for (int s = 0; s <= steps; s++)
        {
            float ratio = (float)(1 - (1 - minRatio) * s / steps);
            var candidate = (Min: min * ratio, Max: max * ratio);
            var p = Parameters(candidate.Min, candidate.Max, spec);
            double error = 0;
            foreach (float v in values)
            {
                double d = v - p.Dequantize(p.Quantize(v));
                error += d * d;
            }
            if (error < bestError) (bestError, best) = (error, candidate);
        }
        return best;
    }

    /// <summary>The kernel-level parameters for a range under a spec (the same formula export uses).</summary>
    public static QuantizationParameters Parameters(float min, float max, TensorQuantSpec spec) => spec.Symmetric
        ? new QuantizationParameters(QuantizationParameters.Symmetric(MathF.Max(-min, max), spec.QMax).Scale, 0,
            spec.QMin, spec.QMax)
        : QuantizationParameters.Asymmetric(min, max, spec.QMin, spec.QMax);
}

namespace Qail.Quantization;

/// <summary>Settings of the activation-aware scale search (<see cref="Awq.Apply"/>).</summary>
public sealed record AwqOptions
{
    /// <summary>
    /// The exponent grid is alpha = 0, 1/steps, ..., 1 (20 gives AWQ's step of 0.05); alpha 0 is round-to-nearest.
    /// </summary>
    public int AlphaSteps { get; init; } = 20;

    /// <summary>
    /// When set, every group takes s = mean|x|^FixedAlpha without a search (SmoothQuant's fixed migration strength,
    /// e.g. 0.5); the result still reports the round-to-nearest error next to it, which may then be the smaller one.
    /// </summary>
    public double? FixedAlpha { get; init; }

    /// <summary>
    /// Calibration samples (batch rows) whose layer inputs enter the error search; statistics use every sample.
    /// </summary>
    public int SearchSamples { get; init; } = 256;

    /// <summary>
    /// Weight range calibration of the searched and the final quantizers: MinMax (as round-to-nearest PTQ), or Mse to
    /// add AWQ's clipping step as a per-scale-cell clipping search (<see cref="Observers.MseClippingSearch"/>).
    /// </summary>
    public CalibrationMethod WeightCalibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>
    /// Smallest channel statistic, relative to the largest, that a scale is drawn from (keeps scales bounded for dead
    /// channels).
    /// </summary>
    public double StatisticFloor { get; init; } = 1e-3;

    /// <summary>Seed of the prepared quantizers (as <see cref="Quantizer.Prepare"/>'s).</summary>
    public long Seed { get; init; }

    /// <summary>Throws naming the field when a setting is out of range.</summary>
    public void Validate()
    {
        if (AlphaSteps < 1)
            throw new ArgumentOutOfRangeException(nameof(AlphaSteps), AlphaSteps,
                "AwqOptions: need at least one alpha step.");
        if (FixedAlpha is double a && !(a is >= 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(FixedAlpha), a,
                "AwqOptions: a fixed alpha must lie in [0, 1].");
        if (SearchSamples < 1)
            throw new ArgumentOutOfRangeException(nameof(SearchSamples), SearchSamples,
                "AwqOptions: need at least one search sample.");
        if (WeightCalibration
            is not (CalibrationMethod.MinMax or CalibrationMethod.Mse or CalibrationMethod.Percentile))
            throw new ArgumentException(
                $"AwqOptions: {WeightCalibration} is not a weight calibration; use MinMax, Mse or Percentile.",
                nameof(WeightCalibration));
        if (StatisticFloor is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(StatisticFloor), StatisticFloor,
                "AwqOptions: the floor must lie in (0, 1].");
    }
}

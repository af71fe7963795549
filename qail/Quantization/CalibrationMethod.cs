namespace Qail.Quantization;

/// <summary>How a quantizer's range is chosen from observed values.</summary>
public enum CalibrationMethod
{
    /// <summary>The full observed range (plain round-to-nearest PTQ).</summary>
    MinMax,
    /// <summary>Moving average of per-batch extremes (activations).</summary>
    MovingAverageMinMax,
    /// <summary>Central 99.99% of the values.</summary>
    Percentile,
    /// <summary>The clipping that minimises the mean squared quantization error.</summary>
    Mse,
}

namespace Qail.Quantization;

/// <summary>How many scales a quantized weight or activation carries.</summary>
public enum QuantGranularity
{
    /// <summary>One scale for the whole tensor.</summary>
    PerTensor,
    /// <summary>One scale per output channel (weight row).</summary>
    PerChannel,
    /// <summary>One scale per group of consecutive input elements of each row (weights only).</summary>
    PerGroup,
}

/// <summary>How values are rounded onto the grid.</summary>
public enum QuantRounding
{
    /// <summary>Round half to even, as the integer kernels and ONNX do.</summary>
    NearestEven,
    /// <summary>Round up with probability equal to the fractional part (seeded); training only.</summary>
    Stochastic,
}

namespace Qail.Quantization;

/// <summary>What a fake quantizer sits on.</summary>
public enum QuantTarget
{
    /// <summary>A layer's weight (scales may be per channel or per group).</summary>
    Weight,
    /// <summary>A layer's input activation (one scale, calibrated on data).</summary>
    Activation,
}

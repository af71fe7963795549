namespace Qail.Quantization;

/// <summary>Settings of <see cref="Gptq"/> (AutoGPTQ's names in brackets).</summary>
public sealed record GptqOptions
{
    /// <summary>Damping added to the Hessian's diagonal, as a fraction of its mean diagonal (damp_percent).</summary>
    public double Damping { get; init; } = 0.01;

    /// <summary>Columns per lazy-update block (blocksize).</summary>
    public int BlockSize { get; init; } = 128;

    /// <summary>
    /// Quantize columns in order of decreasing Hessian diagonal (desc_act); groups then keep static scales.
    /// </summary>
    public bool ActOrder { get; init; }

    /// <summary>Calibration rows of each layer's inputs that enter the Hessian.</summary>
    public int MaxRows { get; init; } = 2048;

    /// <summary>Throws naming the field when a setting is out of range.</summary>
    public void Validate()
    {
        if (!(Damping > 0))
            throw new ArgumentOutOfRangeException(nameof(Damping), Damping, "GptqOptions: damping must be positive.");
        if (BlockSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize,
                "GptqOptions: block size must be positive.");
        if (MaxRows < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxRows), MaxRows,
                "GptqOptions: need at least one calibration row.");
    }
}

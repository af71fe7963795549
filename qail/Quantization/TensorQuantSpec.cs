namespace Qail.Quantization;

/// <summary>Quantization of one kind of tensor (weights or activations): bit width, symmetry, granularity.</summary>
/// <param name="Bits">Bit width, 2..8.</param>
/// <param name="Symmetric">Symmetric codes in [-2^(b-1), 2^(b-1)-1] with zero point 0; otherwise unsigned codes with a
/// zero point.</param>
/// <param name="Granularity">Scales per tensor, per channel or per group.</param>
/// <param name="GroupSize">Group length along the input dimension when <paramref name="Granularity"/> is per
/// group.</param>
public sealed record TensorQuantSpec(int Bits, bool Symmetric = true,
    QuantGranularity Granularity = QuantGranularity.PerTensor, int GroupSize = 0)
{
    /// <summary>Smallest code.</summary>
    public int QMin => Symmetric ? -(1 << (Bits - 1)) : 0;

    /// <summary>Largest code.</summary>
    public int QMax => Symmetric ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;

    /// <summary>Throws naming the field when the spec is not usable.</summary>
    public void Validate(string what)
    {
        if (Bits is < 2 or > 8)
            throw new ArgumentOutOfRangeException(nameof(Bits), Bits, $"{what}: bits must lie in 2..8.");
        if (Granularity == QuantGranularity.PerGroup && GroupSize < 1)
            throw new ArgumentOutOfRangeException(nameof(GroupSize), GroupSize,
                $"{what}: per-group quantization needs a positive group size.");
        if (Granularity != QuantGranularity.PerGroup && GroupSize != 0)
            throw new ArgumentException($"{what}: group size {GroupSize} given for {Granularity} quantization.",
                nameof(GroupSize));
    }

    public override string ToString() =>
        $"{Bits}-bit {(Symmetric ? "sym" : "asym")} {Granularity}"
            + $"{(Granularity == QuantGranularity.PerGroup ? $"(g{GroupSize})" : "")}";
}

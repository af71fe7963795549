using System.Text.RegularExpressions;

namespace Qail.Quantization;

/// <summary>
/// What to quantize and how: weights always, activations optionally, with layer selection by position or name.
/// Factories give the papers' settings: <see cref="W4"/> (weight-only, group-wise), <see cref="W8A8"/>,
/// <see cref="W4A4"/>.
/// </summary>
public sealed record QuantConfig
{
    /// <summary>Weight quantization.</summary>
    public required TensorQuantSpec Weights { get; init; }

    /// <summary>Input-activation quantization of each quantized layer; null for weight-only.</summary>
    public TensorQuantSpec? Activations { get; init; }

    /// <summary>
    /// Input quantization of the first weight layer, whose input is the observation itself; null: as
    /// <see cref="Activations"/>. Below 8 bits one per-tensor grid over normalised states puts nearly all states into a
    /// single cell, so fine-tuning can only fit one action per cell; <see cref="W4A4"/> and <see cref="Create"/>
    /// therefore keep it at 8 bits (the LSQ convention).
    /// </summary>
    public TensorQuantSpec? FirstLayerActivations { get; init; }

    /// <summary>Rounding of the fake quantizer during training (export always rounds half to even).</summary>
    public QuantRounding Rounding { get; init; } = QuantRounding.NearestEven;

    /// <summary>Keep the first weight layer in full precision (it sees raw observations).</summary>
    public bool SkipFirstLayer { get; init; }

    /// <summary>Keep the last weight layer in full precision (it emits the actions).</summary>
    public bool SkipLastLayer { get; init; }

    /// <summary>Layers whose parameter path matches this regex stay in full precision.</summary>
    public string? SkipPattern { get; init; }

    /// <summary>Learn the step sizes (LSQ) during fine-tuning instead of keeping the calibrated ones.</summary>
    public bool LearnStepSizes { get; init; } = true;

    /// <summary>4-bit symmetric group-wise weights, full-precision activations (the papers' W4).</summary>
    public static QuantConfig W4(int groupSize = 32) =>
        new() { Weights = new TensorQuantSpec(4, true, QuantGranularity.PerGroup, groupSize) };

    /// <summary>Weight-only at any bit width, per output channel.</summary>
    public static QuantConfig WeightOnly(int bits) =>
        new() { Weights = new TensorQuantSpec(bits, true, QuantGranularity.PerChannel) };

    /// <summary>8-bit per-channel weights and 8-bit per-tensor asymmetric activations (CPU deployment).</summary>
    public static QuantConfig W8A8() => new()
    {
        Weights = new TensorQuantSpec(8, true, QuantGranularity.PerChannel),
        Activations = new TensorQuantSpec(8, false, QuantGranularity.PerTensor),
    };

    /// <summary>
    /// 4-bit per-channel weights and 4-bit per-tensor activations (GPU deployment in the papers); the observation
    /// enters at 8 bits.
    /// </summary>
    public static QuantConfig W4A4() => new()
    {
        Weights = new TensorQuantSpec(4, true, QuantGranularity.PerChannel),
        Activations = new TensorQuantSpec(4, false, QuantGranularity.PerTensor),
        FirstLayerActivations = ObservationSpec,
    };

    /// <summary>
    /// Symmetric <paramref name="weightBits"/>-bit weights at the given granularity (the group size applies to
    /// per-group scales only) and, when <paramref name="activationBits"/> &gt; 0, asymmetric per-tensor activations
    /// (the first layer's input, the observation, at no fewer than 8 bits).
    /// </summary>
    public static QuantConfig Create(int weightBits, QuantGranularity granularity, int groupSize = 32,
        int activationBits = 0) => new()
    {
        Weights = new TensorQuantSpec(weightBits, true, granularity,
            granularity == QuantGranularity.PerGroup ? groupSize : 0),
        Activations = activationBits > 0 ? new TensorQuantSpec(activationBits, false) : null,
        FirstLayerActivations = activationBits is > 0 and < 8 ? ObservationSpec : null,
    };

    // 8-bit asymmetric per-tensor: 256 levels resolve the bulk of normalised states while still covering their
    // outliers.
    private static TensorQuantSpec ObservationSpec => new(8, false);

    /// <summary>Throws naming the field when the configuration is inconsistent.</summary>
    public void Validate()
    {
        Weights.Validate("weights");
        Activations?.Validate("activations");
        FirstLayerActivations?.Validate("first-layer activations");
        if (Activations is { Granularity: not QuantGranularity.PerTensor })
            throw new ArgumentException(
                $"activations: only per-tensor activation scales are supported, got {Activations.Granularity}.");
        if (FirstLayerActivations is { Granularity: not QuantGranularity.PerTensor })
            throw new ArgumentException("first-layer activations: only per-tensor activation scales are supported, got "
                + $"{FirstLayerActivations.Granularity}.");
        if (FirstLayerActivations is not null && Activations is null)
            throw new ArgumentException($"first-layer activations: {FirstLayerActivations} given for a weight-only "
                + "config; set Activations too.");
        if (SkipPattern is not null) _ = new Regex(SkipPattern, RegexOptions.None, TimeSpan.FromSeconds(1));
    }

    /// <summary>Short label such as "W4g32" or "W8A8".</summary>
    public string Label =>
        $"W{Weights.Bits}{(Weights.Granularity == QuantGranularity.PerGroup ? $"g{Weights.GroupSize}" : "")}"
            + $"{(Activations is null ? "" : $"A{Activations.Bits}")}";
}

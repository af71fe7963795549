using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;

namespace Qail.Quantization;

/// <summary>
/// An online rotation of a layer's input (rows times an orthogonal Q) for <see cref="WeightedLayer.InputTransform"/>,
/// followed by the layer's activation quantizer when one is set: the layer's weight holds W Q, so the FP function is
/// unchanged while the quantizer sees inputs whose outliers Q has spread over all channels (QuaRot's online Hadamard).
/// </summary>
public sealed class RotatedInput : Module
{
    private const string QuantizerSlot = "quantizer";

    /// <summary>Wraps the orthogonal <paramref name="rotation"/> ([K, K]).</summary>
    public RotatedInput(Tensor rotation)
    {
        ArgumentNullException.ThrowIfNull(rotation);
        if (rotation.Rank != 2 || rotation.Size(0) != rotation.Size(1))
            throw new ArgumentException(
                $"RotatedInput: the rotation must be square, got {Shapes.Format(rotation.ShapeSpan)}.",
                nameof(rotation));
        RegisterBuffer("rotation", rotation);
        RegisterModule<Module?>(QuantizerSlot, null);
    }

    /// <summary>The rotation Q.</summary>
    public Tensor Rotation => GetBuffer("rotation");

    /// <summary>The activation quantizer applied after rotating (null: none).</summary>
    public FakeQuantize? Quantizer
    {
        get => GetModule<FakeQuantize>(QuantizerSlot);
        set => SetModule(QuantizerSlot, value);
    }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = Rotation.Size(0);
        var rows = input.Rank == 2 ? input : input.Reshape(-1, k);
        var rotated = Variable.MatMul(rows, Variable.Constant(Rotation));
        if (input.Rank != 2) rotated = rotated.Reshape(input.Value.ShapeToArray());
        return Quantizer is { } quantizer ? quantizer.Forward(rotated) : rotated;
    }
}

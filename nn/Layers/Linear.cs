using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// y = x W^T + b over the last dimension; weight [out, in], bias [out]; PyTorch's default initialisation.
/// </summary>
public sealed class Linear : WeightedLayer
{
    /// <summary>
    /// Creates the layer with U(-1/sqrt(in), 1/sqrt(in)) weights and bias drawn from <paramref name="seed"/>.
    /// </summary>
    public Linear(int inFeatures, int outFeatures, long seed, bool bias = true, DType dtype = DType.Float32)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new ArgumentOutOfRangeException(nameof(inFeatures),
                $"Linear: features must be positive, got in {inFeatures}, out {outFeatures}.");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        RegisterParameter("weight",
            Init.FanInUniform([outFeatures, inFeatures], inFeatures, Init.DeriveSeed(seed, 0), dtype));
        if (bias)
            RegisterParameter("bias", Init.FanInUniform([outFeatures], inFeatures, Init.DeriveSeed(seed, 1), dtype));
    }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <inheritdoc/>
    public override Variable ForwardWith(Variable input, Variable weight) =>
        Project(input, weight, Activation.Identity);

    /// <summary>
    /// activation(Forward(input)) with the bias add and the activation fused into one op (input and weight
    /// transforms applied as in <see cref="WeightedLayer.Forward"/>); <see cref="Sequential"/> uses it for a Linear
    /// followed by <see cref="ReLU"/> or <see cref="GELU"/>.
    /// </summary>
    public Variable ForwardActivated(Variable input, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = InputTransform is Module transform ? transform.Forward(input) : input;
        return Project(x, EffectiveWeight(), activation);
    }

    private Variable Project(Variable input, Variable weight, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.Size(-1) != InFeatures)
            throw new ArgumentException(
                $"Linear: input shape {Shapes.Format(input.Value.ShapeSpan)} must end in {InFeatures}.", nameof(input));
        var rows = input.Rank == 2 ? input : input.Reshape(-1, InFeatures);
        var y = Variable.Linear(rows, weight, Bias, activation);
        if (input.Rank == 2) return y;
        var shape = input.Value.ShapeToArray();
        shape[^1] = OutFeatures;
        return y.Reshape(shape);
    }
}

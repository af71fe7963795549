namespace Qail.Runtime;

/// <summary>An op with one input vector: layers, activations, normalisation and action heads.</summary>
internal abstract class UnaryOp : RuntimeOp
{
    public abstract int InputSize { get; }

    public sealed override IReadOnlyList<int> InputSizes => [InputSize];

    public sealed override void Run(OpInputs inputs, Span<float> output) => Run(inputs[0], output);

    /// <summary>Computes <paramref name="output"/> from <paramref name="input"/>; allocates nothing.</summary>
    public abstract void Run(ReadOnlySpan<float> input, Span<float> output);
}

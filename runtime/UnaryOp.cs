namespace Qail.Runtime;

/// <summary>An op with one input vector: layers, activations, normalisation and action heads.</summary>
internal abstract class UnaryOp : RuntimeOp
{
    public abstract int InputSize { get; }

    public sealed override IReadOnlyList<int> InputSizes => [InputSize];

    public sealed override void Run(OpInputs inputs, Span<float> output) => Run(inputs[0], output);

    /// <summary>Computes <paramref name="output"/> from <paramref name="input"/>; allocates nothing.</summary>
    public abstract void Run(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// The input index each output value of a pure data-movement op copies: the op run over an input holding its own
    /// indices (exact in float below 2^24, which the runtime's value limit guarantees).
    /// </summary>
    protected int[] TraceSources()
    {
        var indices = new float[InputSize];
        for (int i = 0; i < indices.Length; i++) indices[i] = i;
        var moved = new float[OutputSize];
        Run(indices, moved);
        return Array.ConvertAll(moved, v => (int)v);
    }
}

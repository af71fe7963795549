namespace Qail.Runtime;

/// <summary>
/// One step of a deployed policy's graph: reads a float vector and writes one, with any scratch preallocated.
/// Weight layers run integer (or fp32) kernels; glue ops (normalisation, activations) run in float.
/// </summary>
internal abstract class RuntimeOp
{
    /// <summary>The op's name in the policy file.</summary>
    public abstract string Kind { get; }

    public abstract int InputSize { get; }

    public abstract int OutputSize { get; }

    /// <summary>Bytes of the op's stored tensors (codes, scales, zero points, biases, buffers).</summary>
    public abstract long ParameterBytes { get; }

    /// <summary>Computes <paramref name="output"/> from <paramref name="input"/>; allocates nothing.</summary>
    public abstract void Run(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>An op sharing the (immutable) weights with fresh scratch buffers, for another thread.</summary>
    public virtual RuntimeOp Replicate() => this;

    /// <summary>One line for logs: kind, shape and kernel.</summary>
    public abstract string Describe();

    /// <summary>Writes the attributes (the writer is inside the op's JSON object) and tensors.</summary>
    public abstract void Write(OpWriter writer);
}

using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// One node of a deployed policy's graph: reads one or more float vectors (earlier nodes' outputs or graph inputs) and
/// writes one, with any scratch preallocated. Weight layers run integer (or fp32) kernels; glue ops run in float.
/// </summary>
internal abstract class RuntimeOp
{
    /// <summary>The op's name in the policy file.</summary>
    public abstract string Kind { get; }

    /// <summary>Element count of each input, in the order <see cref="Run"/> reads them.</summary>
    public abstract IReadOnlyList<int> InputSizes { get; }

    public abstract int OutputSize { get; }

    /// <summary>Bytes of the op's stored tensors (codes, scales, zero points, biases, buffers).</summary>
    public abstract long ParameterBytes { get; }

    /// <summary>Computes <paramref name="output"/> from <paramref name="inputs"/>; allocates nothing.</summary>
    public abstract void Run(OpInputs inputs, Span<float> output);

    /// <summary>An op sharing the (immutable) weights with fresh scratch buffers, for another thread.</summary>
    public virtual RuntimeOp Replicate() => this;

    /// <summary>
    /// True for weight layers: their device kernels read the input through a gather table (an im2col folded in) and
    /// apply a following ReLU in their epilogue.
    /// </summary>
    public virtual bool IsWeightLayer => false;

    /// <summary>
    /// For pure data movement (im2col, patch gather, transposes): the input index each output value copies, -1 for a
    /// zero. The device runs it as a gather, or folds it into the weight layer that reads it.
    /// </summary>
    public virtual int[]? GatherSources => null;

    /// <summary>Queues the op's device form (kernels of Kernels/policy.cu over the builder's arena offsets).</summary>
    public abstract void Lower(GpuBuilder gpu);

    /// <summary>One line for logs: kind, shape and kernel.</summary>
    public abstract string Describe();

    /// <summary>Writes the attributes (the writer is inside the op's JSON object) and tensors.</summary>
    public abstract void Write(OpWriter writer);
}

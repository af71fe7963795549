using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>max(x, 0) between layers.</summary>
internal sealed class Relu(int size) : UnaryOp
{
    public const string Name = "relu";

    public override string Kind => Name;
    public override int InputSize => size;
    public override int OutputSize => size;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output) => TensorPrimitives.Max(input, 0f, output);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_relu", size, GpuArgument.Values, gpu.Input(0), gpu.Output, size);

    public override string Describe() => $"relu [{size}]";

    public override void Write(OpWriter writer) => writer.Attribute("size", size);

    public static Relu Read(OpReader reader) => new(reader.Int("size", 1, RuntimeLimits.MaxWidth));
}

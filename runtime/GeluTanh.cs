using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// GELU by the tanh approximation the engine's Gelu uses, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in the
/// engine's float steps, fused in one kernel (<see cref="GeluTanhKernel"/>) with the vectorised tanh (which may differ
/// from the scalar one by float rounding).
/// </summary>
internal sealed class GeluTanh(int size) : UnaryOp
{
    public const string Name = "gelu_tanh";
    public override string Kind => Name;
    public override int InputSize => size;
    public override int OutputSize => size;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output) => GeluTanhKernel.Forward(input, output);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_gelu_tanh", size, GpuArgument.Values, gpu.Input(0), gpu.Output, size);

    public override string Describe() => $"gelu (tanh) [{size}]";

    public override void Write(OpWriter writer) => writer.Attribute("size", size);

    public static GeluTanh Read(OpReader reader) => new(reader.Int("size", 1, RuntimeLimits.MaxValues));
}

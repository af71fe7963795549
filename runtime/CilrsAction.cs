using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// The CILRS action head: steer = tanh(x[0]), pedals = sigmoid(x[1..]), each clamped to the action bounds.
/// </summary>
internal sealed class CilrsAction : UnaryOp
{
    public const string Name = "cilrs_action";
    private readonly float[] _low, _high;

    public CilrsAction(float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        int n = low.Length;
        if (n < 2 || high.Length != n)
            throw new ArgumentException($"CilrsAction: low {n} and high {high.Length} bounds must be equal in length "
                + "and cover steer and at least one pedal.");
        for (int i = 0; i < n; i++)
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"CilrsAction: action {i} bounds [{low[i]}, {high[i]}] are not ordered.");
        (_low, _high) = (low, high);
    }

    public override string Kind => Name;
    public override int InputSize => _low.Length;
    public override int OutputSize => _low.Length;
    public override long ParameterBytes => 8L * _low.Length;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        TensorPrimitives.Tanh(input[..1], output[..1]);
        TensorPrimitives.Sigmoid(input[1..], output[1..]);
        for (int i = 0; i < output.Length; i++) output[i] = Math.Clamp(output[i], _low[i], _high[i]);
    }

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_cilrs_action", _low.Length, GpuArgument.Values, gpu.Input(0), gpu.Output,
            gpu.Upload<float>(_low), gpu.Upload<float>(_high), _low.Length);

    public override string Describe() => $"cilrs action [{_low.Length}]: tanh steer, sigmoid pedals";

    public override void Write(OpWriter writer)
    {
        int n = _low.Length;
        writer.Attribute("size", n);
        writer.Tensor("low", Engine.Tensor.From<float>(_low, [n]));
        writer.Tensor("high", Engine.Tensor.From<float>(_high, [n]));
    }

    public static CilrsAction Read(OpReader reader)
    {
        int n = reader.Int("size", 2, RuntimeLimits.MaxWidth);
        return new CilrsAction(reader.Finite("low", [n]), reader.Finite("high", [n]));
    }
}

using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// The MLP policy's action head: clamp(tanh(x) * halfRange + centre, low, high), float steps as in training.
/// </summary>
internal sealed class TanhAction : UnaryOp
{
    public const string Name = "tanh_action";
    private readonly float[] _centre, _halfRange, _low, _high;

    public TanhAction(float[] centre, float[] halfRange, float[] low, float[] high)
    {
        int n = centre.Length;
        if (n < 1 || halfRange.Length != n || low.Length != n || high.Length != n)
            throw new ArgumentException($"TanhAction: centre {n}, half range {halfRange.Length}, low {low.Length}, "
                + $"high {high.Length} must be equal and positive.");
        for (int i = 0; i < n; i++)
            if (!(low[i] <= high[i]))
                throw new ArgumentException($"TanhAction: action {i} bounds [{low[i]}, {high[i]}] are not ordered.");
        (_centre, _halfRange, _low, _high) = (centre, halfRange, low, high);
    }

    public override string Kind => Name;
    public override int InputSize => _centre.Length;
    public override int OutputSize => _centre.Length;
    public override long ParameterBytes => 16L * _centre.Length;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        TensorPrimitives.Tanh(input, output);
        TensorPrimitives.Multiply(output, _halfRange, output);
        TensorPrimitives.Add(output, _centre, output);
        for (int i = 0; i < output.Length; i++) output[i] = Math.Clamp(output[i], _low[i], _high[i]);
    }

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_tanh_action", _centre.Length, GpuArgument.Values, gpu.Input(0), gpu.Output,
            gpu.Upload<float>(_centre), gpu.Upload<float>(_halfRange), gpu.Upload<float>(_low),
            gpu.Upload<float>(_high), _centre.Length);

    public override string Describe() => $"tanh action [{_centre.Length}]";

    public override void Write(OpWriter writer)
    {
        int n = _centre.Length;
        writer.Attribute("size", n);
        writer.Tensor("centre", Engine.Tensor.From<float>(_centre, [n]));
        writer.Tensor("half_range", Engine.Tensor.From<float>(_halfRange, [n]));
        writer.Tensor("low", Engine.Tensor.From<float>(_low, [n]));
        writer.Tensor("high", Engine.Tensor.From<float>(_high, [n]));
    }

    public static TanhAction Read(OpReader reader)
    {
        int n = reader.Int("size", 1, RuntimeLimits.MaxWidth);
        return new TanhAction(reader.Finite("centre", [n]), reader.Finite("half_range", [n]), reader.Finite("low", [n]),
            reader.Finite("high", [n]));
    }
}

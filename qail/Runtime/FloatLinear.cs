using System.Numerics.Tensors;
using Qail.Kernels.Cpu;

namespace Qail.Runtime;

/// <summary>y = W x + b with fp32 weights W[outputs, inputs] on <see cref="Sgemm"/> (FP32 export and full-precision layers).</summary>
internal sealed class FloatLinear : UnaryOp
{
    public const string Name = "linear_f32";
    private readonly float[] _weights;
    private readonly float[]? _bias;

    public FloatLinear(float[] weights, float[]? bias, int outputs, int inputs)
    {
        if (outputs < 1 || inputs < 1 || weights.Length != (long)outputs * inputs)
            throw new ArgumentException($"FloatLinear: {weights.Length} weights do not fill [{outputs}, {inputs}].", nameof(weights));
        if (bias is not null && bias.Length != outputs) throw new ArgumentException($"FloatLinear: bias length {bias.Length} != outputs {outputs}.", nameof(bias));
        (_weights, _bias, OutputSize, InputSize) = (weights, bias, outputs, inputs);
    }

    public override string Kind => Name;
    public override int InputSize { get; }
    public override int OutputSize { get; }
    public override long ParameterBytes => 4L * _weights.Length + 4L * (_bias?.Length ?? 0);

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        Sgemm.Multiply(false, true, 1, OutputSize, InputSize, 1f, input, InputSize, _weights, InputSize, 0f, output, OutputSize);
        if (_bias is not null) TensorPrimitives.Add(output, _bias, output);
    }

    public override string Describe() => $"linear fp32 [{OutputSize}, {InputSize}] sgemm";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("inputs", InputSize);
        writer.Attribute("outputs", OutputSize);
        writer.Tensor("weight", Engine.Tensor.From<float>(_weights, [OutputSize, InputSize]));
        if (_bias is not null) writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [OutputSize]));
    }

    public static FloatLinear Read(OpReader reader)
    {
        int inputs = reader.Int("inputs", 1, RuntimeLimits.MaxWidth), outputs = reader.Int("outputs", 1, RuntimeLimits.MaxWidth);
        var bias = reader.Has("bias") ? reader.Finite("bias", [outputs]) : null;
        return new FloatLinear(reader.Finite("weight", [outputs, inputs]), bias, outputs, inputs);
    }
}

using System.Numerics.Tensors;
using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Y = X W^T + b over <c>rows</c> input rows (1 for a state vector, tokens or pixels for sequences and convolutions)
/// with fp32 weights W[outputs, inputs] on <see cref="Sgemm"/> (FP32 export and full-precision layers).
/// </summary>
internal sealed class FloatLinear : UnaryOp
{
    public const string Name = "linear_f32";
    private readonly float[] _weights;
    private readonly float[]? _bias;

    public FloatLinear(float[] weights, float[]? bias, int outputs, int inputs, int rows = 1)
    {
        if (rows < 1) throw new ArgumentException($"FloatLinear: rows {rows} must be positive.", nameof(rows));
        if (outputs < 1 || inputs < 1 || weights.Length != (long)outputs * inputs)
            throw new ArgumentException($"FloatLinear: {weights.Length} weights do not fill [{outputs}, {inputs}].",
                nameof(weights));
        if (bias is not null && bias.Length != outputs)
            throw new ArgumentException($"FloatLinear: bias length {bias.Length} != outputs {outputs}.", nameof(bias));
        (_weights, _bias, Outputs, Inputs, Rows) = (weights, bias, outputs, inputs, rows);
    }

    public override string Kind => Name;
    public int Inputs { get; }
    public int Outputs { get; }
    public int Rows { get; }
    public override int InputSize => Rows * Inputs;
    public override int OutputSize => Rows * Outputs;
    public override long ParameterBytes => 4L * _weights.Length + 4L * (_bias?.Length ?? 0);

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        Sgemm.Multiply(false, true, Rows, Outputs, Inputs, 1f, input, Inputs, _weights, Inputs, 0f, output, Outputs);
        if (_bias is not null)
            for (int r = 0; r < Rows; r++)
                TensorPrimitives.Add(output.Slice(r * Outputs, Outputs), _bias, output.Slice(r * Outputs, Outputs));
    }

    public override bool IsWeightLayer => true;

    public override void Lower(GpuBuilder gpu)
    {
        var (bias, hasBias) = gpu.Optional(_bias);
        var input = gpu.LayerInput();
        gpu.LaunchGroups("pol_linear_f32_group", (long)Rows * Outputs, GpuArgument.Values, input.Offset, input.Gather,
            input.Gathered, gpu.Output,
            gpu.Upload<float>(_weights), bias, hasBias, gpu.ReluFollows ? 1 : 0, Rows, Outputs, Inputs);
    }

    public override string Describe() => $"linear fp32 [{Outputs}, {Inputs}]{RowCount.Describe(Rows)} sgemm";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("inputs", Inputs);
        writer.Attribute("outputs", Outputs);
        writer.Attribute("rows", Rows);
        writer.Tensor("weight", Engine.Tensor.From<float>(_weights, [Outputs, Inputs]));
        if (_bias is not null) writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [Outputs]));
    }

    public static FloatLinear Read(OpReader reader)
    {
        int inputs = reader.Int("inputs", 1, RuntimeLimits.MaxWidth),
            outputs = reader.Int("outputs", 1, RuntimeLimits.MaxWidth);
        var bias = reader.Has("bias") ? reader.Finite("bias", [outputs]) : null;
        return new FloatLinear(reader.Finite("weight", [outputs, inputs]), bias, outputs, inputs,
            RowCount.Read(reader));
    }
}

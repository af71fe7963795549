using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Weight-only layer whose codes no int4 kernel takes (5..8 bits, or groups of 8 or 16): stored as codes and scales,
/// dequantized once at load (bit-identical to the fake-quant weight) and run on <see cref="Sgemm"/>.
/// </summary>
internal sealed class DequantizedLinear : UnaryOp
{
    public const string Name = "linear_dequantized";
    private readonly QuantizedWeights _weights;
    private readonly float[]? _bias;
    private readonly FloatLinear _float;

    public DequantizedLinear(QuantizedWeights weights, float[]? bias, int rows = 1)
    {
        (_weights, _bias) = (weights, bias);
        _float = new FloatLinear(weights.Dequantize(), bias, weights.Rows, weights.Columns, rows);
    }

    public override string Kind => Name;
    public override int InputSize => _float.InputSize;
    public override int OutputSize => _float.OutputSize;
    public override long ParameterBytes => _weights.StoredBytes + 4L * (_bias?.Length ?? 0);

    public override void Run(ReadOnlySpan<float> input, Span<float> output) => _float.Run(input, output);

    public override bool IsWeightLayer => true;

    public override void Lower(GpuBuilder gpu) => _float.Lower(gpu);

    public override string Describe() =>
        $"linear W{_weights.Bits} "
            + $"{(_weights.GroupSize == _weights.Columns ? "per-channel" : $"g{_weights.GroupSize}")} [{_weights.Rows},"
            + $" {_weights.Columns}]{RowCount.Describe(_float.Rows)} dequantized at load, sgemm";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("inputs", _weights.Columns);
        writer.Attribute("outputs", _weights.Rows);
        writer.Attribute("rows", _float.Rows);
        _weights.Write(writer, "weight_");
        if (_bias is not null) writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [_weights.Rows]));
    }

    public static DequantizedLinear Read(OpReader reader)
    {
        int inputs = reader.Int("inputs", 1, RuntimeLimits.MaxWidth),
            outputs = reader.Int("outputs", 1, RuntimeLimits.MaxWidth);
        var weights = QuantizedWeights.Read(reader, "weight_", outputs, inputs);
        return new DequantizedLinear(weights, reader.Has("bias") ? reader.Finite("bias", [outputs]) : null,
            RowCount.Read(reader));
    }
}

using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Layer normalisation of each row of [rows, features]: (x - mean) / sqrt(var + eps) * weight + bias with the biased
/// variance, by the vectorised <see cref="LayerNormRowsKernel"/> (fp32 statistics: within float rounding of the
/// engine's LayerNorm, which sums in double). The device form keeps double statistics.
/// </summary>
internal sealed class LayerNormRows : UnaryOp
{
    public const string Name = "layer_norm";
    private readonly float[] _weight, _bias;
    private readonly double _eps;

    public LayerNormRows(int rows, float[] weight, float[] bias, double eps)
    {
        if (rows < 1 || weight.Length < 1 || bias.Length != weight.Length
            || (long)rows * weight.Length > RuntimeLimits.MaxValues)
            throw new ArgumentException($"LayerNormRows: {rows} rows, weight {weight.Length}, bias {bias.Length}: need "
                + $"positive rows, equal lengths and at most {RuntimeLimits.MaxValues} values.");
        if (!(eps > 0) || !double.IsFinite(eps))
            throw new ArgumentException($"LayerNormRows: eps {eps} must be finite and > 0.", nameof(eps));
        for (int j = 0; j < weight.Length; j++)
            if (!float.IsFinite(weight[j]) || !float.IsFinite(bias[j]))
                throw new ArgumentException(
                    $"LayerNormRows: feature {j} has weight {weight[j]}, bias {bias[j]}; need finite values.");
        (Rows, _eps) = (rows, eps);
        (_weight, _bias) = ([.. weight], [.. bias]);
    }

    public int Rows { get; }
    public int Features => _weight.Length;

    public override string Kind => Name;
    public override int InputSize => Rows * Features;
    public override int OutputSize => Rows * Features;
    public override long ParameterBytes => 8L * Features + 8;

    public override void Run(ReadOnlySpan<float> input, Span<float> output) =>
        LayerNormRowsKernel.Forward(input, _weight, _bias, _eps, output);

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_layer_norm", Rows, GpuArgument.Values, gpu.Input(0), gpu.Output,
            gpu.Upload<double>(Array.ConvertAll(_weight, w => (double)w)),
            gpu.Upload<double>(Array.ConvertAll(_bias, b => (double)b)), _eps, Rows, Features);

    public override string Describe() => $"layer norm [{Features}]{RowCount.Describe(Rows)}";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("rows", Rows);
        writer.Attribute("features", Features);
        writer.Tensor("weight", Engine.Tensor.From<float>(_weight, [Features]));
        writer.Tensor("bias", Engine.Tensor.From<float>(_bias, [Features]));
        writer.Tensor("eps", Engine.Tensor.From<double>([_eps], [1]));
    }

    public static LayerNormRows Read(OpReader reader)
    {
        int rows = RowCount.Read(reader), features = reader.Int("features", 1, RuntimeLimits.MaxWidth);
        double eps = reader.Tensor("eps", Engine.DType.Float64, [1]).ToArray<double>()[0];
        return new LayerNormRows(rows, reader.Finite("weight", [features]), reader.Finite("bias", [features]), eps);
    }
}

using System.Numerics.Tensors;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>Input normalisation y = (x - mean) / std, the same two float steps as the policy's forward.</summary>
internal sealed class Normalize : UnaryOp
{
    public const string Name = "normalize";
    private readonly float[] _mean;
    private readonly float[] _std;

    public Normalize(float[] mean, float[] std)
    {
        if (mean.Length != std.Length || mean.Length < 1)
            throw new ArgumentException(
                $"Normalize: mean length {mean.Length} and std length {std.Length} must match and be positive.");
        for (int i = 0; i < std.Length; i++)
            if (!(Math.Abs(std[i]) >= RuntimeLimits.MinStd) || !float.IsFinite(std[i])
                || !(Math.Abs(mean[i]) <= RuntimeLimits.MaxMean))
                throw new ArgumentException($"Normalize: dimension {i} has mean {mean[i]:G}, std {std[i]:G}; need "
                    + $"|mean| <= {RuntimeLimits.MaxMean:G} " +
                    $"and finite |std| >= {RuntimeLimits.MinStd:G}, or the normalised state overflows.");
        (_mean, _std) = (mean, std);
    }

    public override string Kind => Name;
    public override int InputSize => _mean.Length;
    public override int OutputSize => _mean.Length;
    public override long ParameterBytes => 8L * _mean.Length;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        TensorPrimitives.Subtract(input, _mean, output);
        TensorPrimitives.Divide(output, _std, output);
    }

    public override void Lower(GpuBuilder gpu) =>
        gpu.Launch("pol_normalize", _mean.Length, GpuArgument.Values, gpu.Input(0), gpu.Output,
            gpu.Upload<float>(_mean), gpu.Upload<float>(_std), _mean.Length);

    public override string Describe() => $"normalize [{_mean.Length}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("size", _mean.Length);
        writer.Tensor("mean", Engine.Tensor.From<float>(_mean, [_mean.Length]));
        writer.Tensor("std", Engine.Tensor.From<float>(_std, [_std.Length]));
    }

    public static Normalize Read(OpReader reader)
    {
        int size = reader.Int("size", 1, RuntimeLimits.MaxWidth);
        return new Normalize(reader.Finite("mean", [size]), reader.Finite("std", [size]));
    }
}

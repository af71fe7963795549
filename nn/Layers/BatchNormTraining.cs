using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Training-mode batch normalisation of [N, C, ...] input as one fused op on the engine's float32/float64 SIMD
/// kernels: y = (x - mean) * rstd * gamma + beta per channel, and
/// dx = gamma * rstd / M * (M g - sum g - xhat * sum(g xhat)) over the M values of a channel. Only the input is kept
/// for backward (xhat is recomputed from it); the statistics are double.
/// </summary>
internal sealed class BatchNormTraining(double eps) : CustomFunction
{
    private double[] _rstd = [];

    /// <summary>Per-channel batch mean of the last forward.</summary>
    public double[] Mean { get; private set; } = [];

    /// <summary>Per-channel biased batch variance of the last forward.</summary>
    public double[] Variance { get; private set; } = [];

    /// <inheritdoc/>
    public override string Name => "BatchNorm2d";

    /// <inheritdoc/>
    protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
    {
        var x = inputs[0];
        (Mean, Variance) = Tensor.BatchNormStatistics(x);
        var gamma = inputs[1].ToDoubleArray();
        _rstd = Variance.Select(v => 1 / Math.Sqrt(v + eps)).ToArray();
        var scale = gamma.Select((w, ch) => w * _rstd[ch]).ToArray();
        context.SaveForBackward(x, inputs[1]);
        return Tensor.BatchNormAffine(x, Mean, scale, inputs[2].ToDoubleArray());
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var x = context.SavedTensors[0];
        var gamma = context.SavedTensors[1].ToDoubleArray();
        var (sumG, sumGCentred) = Tensor.BatchNormGradientSums(gradOutput, x, Mean);
        int c = gamma.Length;
        double m = x.ElementCount / (double)c;
        var dtype = gradOutput.DType;
        Tensor? dx = null;
        if (context.NeedsInputGrad(0))
        {
            var gScale = new double[c];
            var xScale = new double[c];
            var shift = new double[c];
            for (int ch = 0; ch < c; ch++)
            {
                double r = _rstd[ch];
                gScale[ch] = gamma[ch] * r;
                xScale[ch] = -gamma[ch] * r * r * r * sumGCentred[ch] / m;
                shift[ch] = -gamma[ch] * r * sumG[ch] / m;
            }
            dx = Tensor.BatchNormInputGradient(gradOutput, x, Mean, gScale, xScale, shift);
        }
        return
        [
            dx,
            context.NeedsInputGrad(1)
                ? Tensor.From<double>(sumGCentred.Select((s, ch) => s * _rstd[ch]).ToArray()).Cast(dtype)
                : null,
            context.NeedsInputGrad(2) ? Tensor.From<double>(sumG).Cast(dtype) : null,
        ];
    }
}

using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Evaluation-mode batch normalisation with fixed running statistics as one fused op: y = (x - mean) * s + beta with
/// s = gamma / sqrt(var + eps) per channel, one pass over x instead of two broadcast ops; gradients reach x, gamma
/// and beta (dx = s g, dgamma = sum(g (x - mean)) / sqrt(var + eps), dbeta = sum g).
/// </summary>
internal sealed class BatchNormEvaluation(double[] runningMean, double[] runningVariance, double eps) : CustomFunction
{
    private readonly double[] _rstd = runningVariance.Select(v => 1 / Math.Sqrt(v + eps)).ToArray();
    private double[] _scale = [];

    /// <inheritdoc/>
    public override string Name => "BatchNorm2d";

    /// <inheritdoc/>
    protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
    {
        _scale = inputs[1].ToDoubleArray();
        for (int ch = 0; ch < _scale.Length; ch++) _scale[ch] *= _rstd[ch];
        context.SaveForBackward(inputs[0]);
        return Tensor.BatchNormAffine(inputs[0], runningMean, _scale, inputs[2].ToDoubleArray());
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var x = context.SavedTensors[0];
        int c = _rstd.Length;
        var dtype = gradOutput.DType;
        Tensor? dx = null;
        if (context.NeedsInputGrad(0))
            dx = Tensor.BatchNormInputGradient(gradOutput, x, runningMean, _scale, new double[c], new double[c]);
        Tensor? dGamma = null, dBeta = null;
        if (context.NeedsInputGrad(1) || context.NeedsInputGrad(2))
        {
            var (sumG, sumGCentred) = Tensor.BatchNormGradientSums(gradOutput, x, runningMean);
            dGamma = Tensor.From<double>(sumGCentred.Select((s, ch) => s * _rstd[ch]).ToArray()).Cast(dtype);
            dBeta = Tensor.From<double>(sumG).Cast(dtype);
        }
        return [dx, context.NeedsInputGrad(1) ? dGamma : null, context.NeedsInputGrad(2) ? dBeta : null];
    }
}

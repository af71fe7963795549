using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Training-mode batch normalisation of NCHW input as one fused op (one pass for statistics, one for the output,
/// one for each gradient) instead of a dozen elementwise ops: y = (x - mean) * rstd * gamma + beta per channel, and
/// dx = gamma * rstd / M * (M g - sum g - xhat * sum(g xhat)) over the M = N*H*W values of a channel.
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
        var x = inputs[0].Contiguous();
        int n = x.Size(0), c = x.Size(1), spatial = x.Size(2) * x.Size(3);
        var values = x.ToDoubleArray();
        var gamma = inputs[1].ToDoubleArray();
        var beta = inputs[2].ToDoubleArray();
        Mean = new double[c];
        Variance = new double[c];
        _rstd = new double[c];
        var normalized = new double[values.Length];
        var output = new double[values.Length];
        double m = (double)n * spatial;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
                foreach (double v in values.AsSpan((b * c + ch) * spatial, spatial)) sum += v;
            double mean = sum / m, squares = 0;
            for (int b = 0; b < n; b++)
                foreach (double v in values.AsSpan((b * c + ch) * spatial, spatial)) squares += (v - mean) * (v - mean);
            double variance = squares / m, rstd = 1 / Math.Sqrt(variance + eps);
            (Mean[ch], Variance[ch], _rstd[ch]) = (mean, variance, rstd);
            for (int b = 0; b < n; b++)
                for (int i = (b * c + ch) * spatial, end = i + spatial; i < end; i++)
                {
                    normalized[i] = (values[i] - mean) * rstd;
                    output[i] = normalized[i] * gamma[ch] + beta[ch];
                }
        }
        context.SaveForBackward(Tensor.From<double>(normalized, x.ShapeSpan), inputs[1]);
        return Tensor.From<double>(output, x.ShapeSpan).Cast(x.DType);
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
    {
        var normalized = context.SavedTensors[0].ToArray<double>();
        var gamma = context.SavedTensors[1].ToDoubleArray();
        var g = gradOutput.ToDoubleArray();
        var shape = context.InputShapes[0];
        int n = shape[0], c = shape[1], spatial = shape[2] * shape[3];
        double m = (double)n * spatial;
        var dGamma = new double[c];
        var dBeta = new double[c];
        var dx = new double[g.Length];
        for (int ch = 0; ch < c; ch++)
        {
            double sumG = 0, sumGx = 0;
            for (int b = 0; b < n; b++)
                for (int i = (b * c + ch) * spatial, end = i + spatial; i < end; i++)
                {
                    sumG += g[i];
                    sumGx += g[i] * normalized[i];
                }
            (dGamma[ch], dBeta[ch]) = (sumGx, sumG);
            double scale = gamma[ch] * _rstd[ch] / m;
            for (int b = 0; b < n; b++)
                for (int i = (b * c + ch) * spatial, end = i + spatial; i < end; i++)
                    dx[i] = scale * (m * g[i] - sumG - normalized[i] * sumGx);
        }
        var dtype = gradOutput.DType;
        return
        [
            context.NeedsInputGrad(0) ? Tensor.From<double>(dx, shape.AsSpan()).Cast(dtype) : null,
            context.NeedsInputGrad(1) ? Tensor.From<double>(dGamma).Cast(dtype) : null,
            context.NeedsInputGrad(2) ? Tensor.From<double>(dBeta).Cast(dtype) : null,
        ];
    }
}

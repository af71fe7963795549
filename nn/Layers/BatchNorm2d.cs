using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Batch normalisation over the N, H, W axes of NCHW input, with learned scale ("weight") and shift ("bias") per
/// channel. Training mode normalises with the batch statistics and updates "running_mean"/"running_var" (unbiased
/// variance) with <see cref="Momentum"/>; evaluation mode uses the running statistics.
/// </summary>
public sealed class BatchNorm2d : Module
{
    /// <summary>Creates the layer with weight 1, bias 0, running mean 0 and running variance 1.</summary>
    public BatchNorm2d(int channels, double eps = 1e-5, double momentum = 0.1, DType dtype = DType.Float32)
    {
        if (channels <= 0)
            throw new ArgumentOutOfRangeException(nameof(channels), channels,
                "BatchNorm2d: channels must be positive.");
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm2d: eps must be positive.");
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum,
                "BatchNorm2d: momentum must lie in [0, 1].");
        Channels = channels;
        Eps = eps;
        Momentum = momentum;
        RegisterParameter("weight", Tensor.Ones([channels], dtype));
        RegisterParameter("bias", Tensor.Zeros([channels], dtype));
        RegisterBuffer("running_mean", Tensor.Zeros([channels], dtype));
        RegisterBuffer("running_var", Tensor.Ones([channels], dtype));
    }

    /// <summary>Number of channels.</summary>
    public int Channels { get; }

    /// <summary>Variance guard.</summary>
    public double Eps { get; }

    /// <summary>Weight of the new batch in the running statistics.</summary>
    public double Momentum { get; }

    /// <summary>Per-channel scale.</summary>
    public Variable Weight => GetParameter("weight");

    /// <summary>Per-channel shift.</summary>
    public Variable Bias => GetParameter("bias");

    /// <summary>Running mean per channel.</summary>
    public Tensor RunningMean => GetBuffer("running_mean");

    /// <summary>Running (unbiased) variance per channel.</summary>
    public Tensor RunningVar => GetBuffer("running_var");

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4 || input.Size(1) != Channels)
            throw new ArgumentException(
                $"BatchNorm2d: input shape {Shapes.Format(input.Value.ShapeSpan)} must be [N, {Channels}, H, W].",
                nameof(input));
        if (!IsTraining)
        {
            // One fused pass; gradients still reach the input, gamma and beta.
            return new BatchNormEvaluation(RunningMean.ToDoubleArray(), RunningVar.ToDoubleArray(), Eps)
                .Apply(input, Weight, Bias);
        }
        long count = input.Value.ElementCount / Channels;
        if (count < 2)
            throw new ArgumentException("BatchNorm2d: training needs more than one value per channel, got input "
                + $"{Shapes.Format(input.Value.ShapeSpan)}.", nameof(input));
        var function = new BatchNormTraining(Eps);
        var output = function.Apply(input, Weight, Bias);
        UpdateRunningStatistics(function.Mean, function.Variance, count);
        return output;
    }

    /// <summary>
    /// A convolution equal to this layer (in evaluation mode) applied after <paramref name="conv"/>:
    /// W' = W * s, b' = (b - mean) * s + beta with s = gamma / sqrt(running_var + eps). The inputs are not modified.
    /// </summary>
    public Conv2d FoldInto(Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (conv.OutChannels != Channels)
            throw new ArgumentException(
                $"BatchNorm2d.FoldInto: conv has {conv.OutChannels} output channels, this layer {Channels}.",
                nameof(conv));
        using var _ = GradMode.NoGrad();
        var scale = Weight.Value * (RunningVar + Eps).Sqrt().Reciprocal();
        var weight = conv.Weight.Value * scale.Reshape(Channels, 1, 1, 1);
        var convBias = conv.Bias?.Value ?? Tensor.Zeros([Channels], conv.Weight.DType);
        var bias = (convBias - RunningMean) * scale + Bias.Value;
        return Conv2d.FromWeights(weight.Contiguous(), bias.Contiguous(), conv.Options);
    }

    private void UpdateRunningStatistics(double[] mean, double[] biasedVariance, long count)
    {
        double m = Momentum;
        var batchMean = Tensor.From<double>(mean).Cast(RunningMean.DType);
        var unbiased = Tensor.From<double>(biasedVariance).Cast(RunningVar.DType) * (count / (double)(count - 1));
        (RunningMean * (1 - m) + batchMean * m).CopyTo(RunningMean);
        (RunningVar * (1 - m) + unbiased * m).CopyTo(RunningVar);
    }
}

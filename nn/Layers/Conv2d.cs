using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// 2-D convolution over NCHW input; weight [out, in/groups, kh, kw], bias [out]; PyTorch's default initialisation.
/// </summary>
public sealed class Conv2d : WeightedLayer
{
    /// <summary>Creates a square-kernel convolution with weights and bias drawn from <paramref name="seed"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, long seed, int stride = 1, int padding = 0,
        int dilation = 1, int groups = 1,
        bool bias = true, DType dtype = DType.Float32)
        : this(inChannels, outChannels, kernelSize, Conv2dOptions.Uniform(stride, padding, dilation, groups))
    {
        long fanIn = (long)(inChannels / groups) * kernelSize * kernelSize;
        RegisterParameter("weight", Init.FanInUniform([outChannels, inChannels / groups, kernelSize, kernelSize], fanIn,
            Init.DeriveSeed(seed, 0), dtype));
        if (bias) RegisterParameter("bias", Init.FanInUniform([outChannels], fanIn, Init.DeriveSeed(seed, 1), dtype));
    }

    private Conv2d(int inChannels, int outChannels, int kernelSize, Conv2dOptions options)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || options.Groups <= 0)
            throw new ArgumentOutOfRangeException(nameof(inChannels),
                $"Conv2d: channels ({inChannels}, {outChannels}), kernel {kernelSize} and groups {options.Groups} must "
                + "be positive.");
        if (inChannels % options.Groups != 0 || outChannels % options.Groups != 0)
            throw new ArgumentException(
                $"Conv2d: channels {inChannels} -> {outChannels} are not divisible by groups {options.Groups}.",
                nameof(options));
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Options = options;
    }

    /// <summary>
    /// A convolution holding copies of the given weight [out, in/groups, k, k] and optional bias [out] (e.g. folded
    /// weights).
    /// </summary>
    public static Conv2d FromWeights(Tensor weight, Tensor? bias, Conv2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Rank != 4 || weight.Size(2) != weight.Size(3))
            throw new ArgumentException($"Conv2d.FromWeights: weight shape {Shapes.Format(weight.ShapeSpan)} must be "
                + "[out, in/groups, k, k].", nameof(weight));
        if (bias is not null && (bias.Rank != 1 || bias.Size(0) != weight.Size(0) || bias.DType != weight.DType))
            throw new ArgumentException(
                $"Conv2d.FromWeights: bias {bias} must be [{weight.Size(0)}] of {weight.DType.Name()}.", nameof(bias));
        var conv = new Conv2d(weight.Size(1) * options.Groups, weight.Size(0), weight.Size(2), options);
        conv.RegisterParameter("weight", weight.Clone());
        if (bias is not null) conv.RegisterParameter("bias", bias.Clone());
        return conv;
    }

    /// <summary>Input channels.</summary>
    public int InChannels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Stride, padding, dilation and groups.</summary>
    public Conv2dOptions Options { get; }

    /// <inheritdoc/>
    public override Variable ForwardWith(Variable input, Variable weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4 || input.Size(1) != InChannels)
            throw new ArgumentException(
                $"Conv2d: input shape {Shapes.Format(input.Value.ShapeSpan)} must be [N, {InChannels}, H, W].",
                nameof(input));
        return Variable.Conv2d(input, weight, Bias, Options);
    }
}

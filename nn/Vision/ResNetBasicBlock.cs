using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// ResNet basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), 3x3 convolutions without bias; the
/// shortcut is a 1x1 convolution with batch norm when the stride or channel count changes, else the identity.
/// </summary>
public sealed class ResNetBasicBlock : Module
{
    /// <summary>
    /// Creates the block with Kaiming-normal (fan-out, ReLU gain) convolution weights drawn from
    /// <paramref name="seed"/>.
    /// </summary>
    public ResNetBasicBlock(int inChannels, int outChannels, long seed, int stride = 1, DType dtype = DType.Float32)
    {
        RegisterModule("conv1", KaimingConv(inChannels, outChannels, 3, stride, 1, Init.DeriveSeed(seed, 0), dtype));
        RegisterModule("bn1", new BatchNorm2d(outChannels, dtype: dtype));
        RegisterModule("conv2", KaimingConv(outChannels, outChannels, 3, 1, 1, Init.DeriveSeed(seed, 1), dtype));
        RegisterModule("bn2", new BatchNorm2d(outChannels, dtype: dtype));
        bool project = stride != 1 || inChannels != outChannels;
        RegisterModule("shortcut", project
            ? new Sequential(KaimingConv(inChannels, outChannels, 1, stride, 0, Init.DeriveSeed(seed, 2), dtype),
                new BatchNorm2d(outChannels, dtype: dtype))
            : null);
    }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        var h = RequireModule<BatchNorm2d>("bn1").Forward(RequireModule<Conv2d>("conv1").Forward(input)).Relu();
        h = RequireModule<BatchNorm2d>("bn2").Forward(RequireModule<Conv2d>("conv2").Forward(h));
        var shortcut = GetModule<Sequential>("shortcut") is Sequential s ? s.Forward(input) : input;
        return (h + shortcut).Relu();
    }

    private static Conv2d KaimingConv(int inChannels, int outChannels, int kernel, int stride, int padding, long seed,
        DType dtype) =>
        Conv2d.FromWeights(
            Init.KaimingNormal([outChannels, inChannels, kernel, kernel], seed, Init.ReluGain, FanMode.FanOut, dtype),
            null, Conv2dOptions.Uniform(stride, padding, 1, 1));
}

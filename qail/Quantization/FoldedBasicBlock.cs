using Qail.Autograd;
using Qail.Nn;

namespace Qail.Quantization;

/// <summary>
/// A ResNet basic block whose batch norms are folded into its convolutions (as deployed):
/// relu(conv2(relu(conv1(x))) + shortcut(x)), the shortcut a 1x1 convolution or the identity. Trains like any module.
/// </summary>
public sealed class FoldedBasicBlock : Module
{
    /// <summary>
    /// Creates the block from folded convolutions; <paramref name="shortcut"/> null means the identity.
    /// </summary>
    public FoldedBasicBlock(Conv2d conv1, Conv2d conv2, Conv2d? shortcut)
    {
        ArgumentNullException.ThrowIfNull(conv1);
        ArgumentNullException.ThrowIfNull(conv2);
        if (conv1.OutChannels != conv2.InChannels || (shortcut is not null
            && (shortcut.InChannels != conv1.InChannels || shortcut.OutChannels != conv2.OutChannels)))
            throw new ArgumentException($"FoldedBasicBlock: conv1 {conv1.InChannels}->{conv1.OutChannels}, conv2 "
                + $"{conv2.InChannels}->{conv2.OutChannels} and shortcut {shortcut?.InChannels}->"
                + $"{shortcut?.OutChannels} do not chain.");
        RegisterModule("conv1", conv1);
        RegisterModule("conv2", conv2);
        // The shortcut stays a one-layer chain so every weight layer keeps its path of the unfolded block
        // ("shortcut.0").
        RegisterModule("shortcut", shortcut is null ? null : new Sequential(shortcut));
    }

    /// <summary>The first 3x3 convolution (carries the block's stride).</summary>
    public Conv2d Conv1 => RequireModule<Conv2d>("conv1");

    /// <summary>The second 3x3 convolution.</summary>
    public Conv2d Conv2 => RequireModule<Conv2d>("conv2");

    /// <summary>The 1x1 projection of the shortcut, or null for the identity.</summary>
    public Conv2d? Shortcut => GetModule<Sequential>("shortcut") is Sequential s ? (Conv2d)s[0] : null;

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var h = Conv2.Forward(Conv1.Forward(input).Relu());
        var shortcut = GetModule<Sequential>("shortcut") is Sequential s ? s.Forward(input) : input;
        return (h + shortcut).Relu();
    }
}

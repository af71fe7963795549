using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>A residual block with its batch norms folded: relu(conv2(relu(conv1(x))) + shortcut(x)).</summary>
internal static class ResidualBlockLowering
{
    public static LoweredValue Lower(LoweringContext context, FoldedBasicBlock block, string path, LoweredValue x)
    {
        var h = context.Lower(block.Conv1, $"{path}.conv1", x);
        h = context.Apply(new Relu(h.Size), h);
        h = context.Lower(block.Conv2, $"{path}.conv2", h);
        var shortcut = block.Shortcut is { } projection ? context.Lower(projection, $"{path}.shortcut.0", x) : x;
        var sum = context.Add($"block '{path}'", h, shortcut);
        return context.Apply(new Relu(sum.Size), sum);
    }
}

using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// Per-sample softmax cross-entropy of <paramref name="logits"/> [..., C] against int32 class indices as one op
    /// (<see cref="Tensor.SoftmaxCrossEntropy"/>), with label smoothing and an ignored index (loss and gradient 0);
    /// dx = g (softmax(x) - q) in one pass.
    /// </summary>
    public static Variable SoftmaxCrossEntropy(Variable logits, Tensor targets, double labelSmoothing = 0,
        int ignoreIndex = -100)
    {
        ArgumentNullException.ThrowIfNull(logits);
        var losses = Tensor.SoftmaxCrossEntropy(logits.Value, targets, labelSmoothing, ignoreIndex, out var p);
        return Record(nameof(SoftmaxCrossEntropy), losses, [logits], (g, _) =>
            [Tensor.SoftmaxCrossEntropyBackward(g, p, targets, labelSmoothing, ignoreIndex)]);
    }
}

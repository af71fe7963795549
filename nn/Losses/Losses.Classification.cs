using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

public static partial class Losses
{
    /// <summary>PyTorch's default ignore index.</summary>
    public const int DefaultIgnoreIndex = -100;

    /// <summary>
    /// Cross-entropy of logits [..., C] against int32 class indices [...]; with label smoothing e the target is
    /// (1 - e) one-hot + e / C. Samples whose index equals <paramref name="ignoreIndex"/> contribute nothing and the
    /// mean is over the others (NaN-free 0 when all are ignored). Per-sample losses for <see cref="Reduction.None"/>.
    /// </summary>
    public static Variable CrossEntropy(Variable logits, Tensor targets, double labelSmoothing = 0,
        int ignoreIndex = DefaultIgnoreIndex,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        CheckSmoothing(labelSmoothing);
        int classes = CheckLogits(logits, nameof(CrossEntropy));
        if (targets.DType != DType.Int32 || !Shapes.Equal(targets.ShapeSpan, logits.Value.ShapeSpan[..^1]))
            throw new ArgumentException(
                $"CrossEntropy: targets {targets} must be int32 of shape {Shapes.Format(logits.Value.ShapeSpan[..^1])} "
                + $"for logits {Shapes.Format(logits.Value.ShapeSpan)}.", nameof(targets));
        var labels = targets.ToArray<int>();
        double count = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            int c = labels[n];
            if (c == ignoreIndex) continue;
            if ((uint)c >= (uint)classes)
                throw new ArgumentException($"CrossEntropy: target {c} at sample {n} is outside 0..{classes - 1} "
                    + $"(ignore index {ignoreIndex}).", nameof(targets));
            count++;
        }
        // Softmax and cross-entropy fused: one pass per row forward and backward, no one-hot distribution tensor.
        var perSample = Variable.SoftmaxCrossEntropy(logits, targets, labelSmoothing, ignoreIndex);
        return reduction switch
        {
            Reduction.Mean => perSample.Sum() * (1.0 / Math.Max(count, 1)),
            _ => Reduce(perSample, reduction),
        };
    }

    /// <summary>
    /// Cross-entropy of logits [..., C] against a target distribution of the same shape (rows summing to one), with
    /// optional label smoothing of the targets: -sum(q log softmax(logits)) per sample.
    /// </summary>
    public static Variable CrossEntropy(Variable logits, Variable targetProbabilities, double labelSmoothing = 0,
        Reduction reduction = Reduction.Mean)
    {
        ArgumentNullException.ThrowIfNull(logits);
        CheckSameShape(nameof(CrossEntropy), logits, targetProbabilities);
        CheckSmoothing(labelSmoothing);
        int classes = CheckLogits(logits, nameof(CrossEntropy));
        var q = labelSmoothing == 0
            ? targetProbabilities : targetProbabilities * (1 - labelSmoothing) + labelSmoothing / classes;
        return Reduce(SoftCrossEntropyPerSample(logits, q), reduction);
    }

    /// <summary>
    /// KL(P || Q) between categorical distributions given as logits [..., C]: sum p (log p - log q) per sample.
    /// Gradients flow into both; detach <paramref name="logitsP"/> for a fixed teacher.
    /// </summary>
    public static Variable KlDivergence(Variable logitsP, Variable logitsQ, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(nameof(KlDivergence), logitsP, logitsQ);
        CheckLogits(logitsP, nameof(KlDivergence));
        var logP = logitsP.LogSoftmax(-1);
        var kl = (logP.Exp() * (logP - logitsQ.LogSoftmax(-1))).Sum(-1);
        return Reduce(kl, reduction);
    }

    private static Variable SoftCrossEntropyPerSample(Variable logits, Variable q) =>
        -(q * logits.LogSoftmax(-1)).Sum(-1);

    private static Variable SoftCrossEntropyPerSample(Variable logits, Tensor q) =>
        SoftCrossEntropyPerSample(logits, Variable.Constant(q));

    private static int CheckLogits(Variable logits, string op)
    {
        if (logits.Rank < 1 || logits.Size(-1) == 0)
            throw new ArgumentException($"{op}: logits shape {Shapes.Format(logits.Value.ShapeSpan)} needs a non-empty "
                + "class dimension last.", nameof(logits));
        return logits.Size(-1);
    }

    private static void CheckSmoothing(double labelSmoothing)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing,
                "CrossEntropy: label smoothing must lie in [0, 1].");
    }
}

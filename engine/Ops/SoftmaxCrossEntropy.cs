using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Per-sample cross-entropy of <paramref name="logits"/> [..., C] against int32 class indices [...] in one pass per
    /// row: -sum(q log softmax(x)) with q = (1 - e) one-hot + e / C for label smoothing e; samples whose index is
    /// <paramref name="ignoreIndex"/> get 0. <paramref name="probabilities"/> holds softmax(x) for
    /// <see cref="SoftmaxCrossEntropyBackward"/>.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor targets, double labelSmoothing, int ignoreIndex,
        out Tensor probabilities)
    {
        const string op = nameof(SoftmaxCrossEntropy);
        var labels = CrossEntropyLabels(op, logits, targets, ignoreIndex);
        var x = logits.Contiguous();
        int classes = x.Size(-1);
        probabilities = Zeros(x.ShapeSpan, x.DType);
        var losses = Zeros(targets.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
        {
            SoftmaxCrossEntropyRows<float>(x.AsSpan<float>(), labels, classes, labelSmoothing, ignoreIndex,
                probabilities.AsSpan<float>(), losses.AsSpan<float>());
        }
        else
        {
            SoftmaxCrossEntropyRows<double>(x.AsSpan<double>(), labels, classes, labelSmoothing, ignoreIndex,
                probabilities.AsSpan<double>(), losses.AsSpan<double>());
        }
        return losses;
    }

    /// <summary>
    /// The logits gradient of <see cref="SoftmaxCrossEntropy"/>: g (softmax(x) - q) per sample, 0 for ignored samples;
    /// <paramref name="gradOutput"/> has the targets' shape.
    /// </summary>
    public static Tensor SoftmaxCrossEntropyBackward(Tensor gradOutput, Tensor probabilities, Tensor targets,
        double labelSmoothing, int ignoreIndex)
    {
        const string op = nameof(SoftmaxCrossEntropyBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        var labels = CrossEntropyLabels(op, probabilities, targets, ignoreIndex);
        gradOutput.HostStorage(op);
        CheckSameDType(op, probabilities, gradOutput);
        if (!Shapes.Equal(gradOutput.ShapeSpan, targets.ShapeSpan))
        {
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} must have the "
                + $"targets' shape {Shapes.Format(targets.ShapeSpan)}.", nameof(gradOutput));
        }
        var (g, p) = (gradOutput.Contiguous(), probabilities.Contiguous());
        var dx = Zeros(p.ShapeSpan, p.DType);
        int classes = p.Size(-1);
        if (p.DType == DType.Float32)
        {
            SoftmaxCrossEntropyGradRows<float>(g.AsSpan<float>(), p.AsSpan<float>(), labels, classes, labelSmoothing,
                ignoreIndex, dx.AsSpan<float>());
        }
        else
        {
            SoftmaxCrossEntropyGradRows<double>(g.AsSpan<double>(), p.AsSpan<double>(), labels, classes,
                labelSmoothing, ignoreIndex, dx.AsSpan<double>());
        }
        return dx;
    }

    private static int[] CrossEntropyLabels(string op, Tensor logits, Tensor targets, int ignoreIndex)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        logits.HostStorage(op);
        targets.HostStorage(op);
        logits.RequireFloat(op);
        if (logits.Rank < 1 || logits.Size(-1) == 0 || targets.DType != DType.Int32
            || !Shapes.Equal(targets.ShapeSpan, logits.ShapeSpan[..^1]))
        {
            throw new ArgumentException($"{op}: targets {targets} must be int32 of shape "
                + $"{Shapes.Format(logits.ShapeSpan[..^1])} for logits {Shapes.Format(logits.ShapeSpan)} (C > 0).");
        }
        var labels = targets.ToArray<int>();
        int classes = logits.Size(-1);
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] != ignoreIndex && (uint)labels[n] >= (uint)classes)
            {
                throw new ArgumentException($"{op}: target {labels[n]} at sample {n} is outside 0..{classes - 1} "
                    + $"(ignore index {ignoreIndex}).", nameof(targets));
            }
        }
        return labels;
    }

    // loss = logZ - (1 - e) x_c - (e / C) sum(x), logZ = max + log(sum(exp(x - max))): that is -sum(q log softmax(x)),
    // as q sums to 1.
    private static void SoftmaxCrossEntropyRows<T>(ReadOnlySpan<T> x, int[] labels, int classes, double smoothing,
        int ignoreIndex, Span<T> p, Span<T> losses) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateTruncating(1 - smoothing), spread = T.CreateTruncating(smoothing / classes);
        for (int n = 0; n < labels.Length; n++)
        {
            var row = x.Slice(n * classes, classes);
            var probs = p.Slice(n * classes, classes);
            T max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, probs);
            TensorPrimitives.Exp(probs, probs);
            T sum = TensorPrimitives.Sum<T>(probs);
            TensorPrimitives.Divide(probs, sum, probs);
            if (labels[n] == ignoreIndex) continue;
            T logZ = max + T.Log(sum);
            T loss = logZ - keep * row[labels[n]];
            if (smoothing != 0) loss -= spread * TensorPrimitives.Sum(row);
            losses[n] = loss;
        }
    }

    private static void SoftmaxCrossEntropyGradRows<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> p, int[] labels,
        int classes, double smoothing, int ignoreIndex, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateTruncating(1 - smoothing), spread = T.CreateTruncating(smoothing / classes);
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] == ignoreIndex) continue;
            var row = dx.Slice(n * classes, classes);
            // g (p - e / C), then -g (1 - e) at the label.
            TensorPrimitives.Subtract(p.Slice(n * classes, classes), spread, row);
            TensorPrimitives.Multiply(row, g[n], row);
            row[labels[n]] -= g[n] * keep;
        }
    }
}

using FsCheck;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// The fused softmax + cross-entropy against the composition it replaces, -sum(q log_softmax(x)) with the smoothed
/// one-hot target q and ignored samples at 0: per-sample losses and the logits gradient in float64, float32 against
/// float64.
/// </summary>
public class SoftmaxCrossEntropyFusedProperties
{
    [Property(MaxTest = 20, Replay = "(20261205,17)")]
    public void MatchesTheUnfusedComposition(PositiveInt rows, PositiveInt classes, bool smooth, bool leading, int seed)
    {
        int n = 1 + rows.Get % 9, c = 1 + classes.Get % 12;
        double smoothing = smooth ? 0.1 + (seed & 7) / 20.0 : 0;
        var rng = new SeededRandom(seed);
        var labels = Enumerable.Range(0, n).Select(_ => rng.NextInt(4) == 0 ? -100 : rng.NextInt(c)).ToArray();
        int[] shape = leading && n % 3 == 0 ? [3, n / 3] : [n];
        var targets = Tensor.From<int>(labels, shape);
        var x = Tensor.RandomNormal([.. shape, c], seed, dtype: DType.Float64) * 4.0;
        var upstream = Tensor.RandomNormal(shape, seed + 1, dtype: DType.Float64);

        var fusedInput = Variable.Parameter(x);
        var fused = Variable.SoftmaxCrossEntropy(fusedInput, targets, smoothing);
        fused.Backward(upstream);
        var input = Variable.Parameter(x);
        var target = Variable.Constant(Target(labels, c, smoothing, [.. shape, c]));
        var reference = -(target * input.LogSoftmax(-1)).Sum(-1);
        reference.Backward(upstream);

        TensorAssert.AllClose(reference.Value, fused.Value, 1e-11, 1e-11);
        TensorAssert.AllClose(input.Grad!, fusedInput.Grad!, 1e-11, 1e-11);
    }

    [Property(MaxTest = 8, Replay = "(20261205,19)")]
    public void Float32AgreesWithFloat64(PositiveInt classes, int seed)
    {
        int c = 1 + classes.Get % 300;
        var rng = new SeededRandom(seed);
        var targets = Tensor.From<int>(Enumerable.Range(0, 5).Select(_ => rng.NextInt(c)).ToArray(), [5]);
        var x = Tensor.RandomNormal([5, c], seed, dtype: DType.Float64) * 5.0;
        var loss64 = Tensor.SoftmaxCrossEntropy(x, targets, 0.1, -100, out var p64);
        var loss32 = Tensor.SoftmaxCrossEntropy(x.Cast(DType.Float32), targets, 0.1, -100, out var p32);
        TensorAssert.AllClose(loss64, loss32.Cast(DType.Float64), 1e-5, 1e-5);
        var g = Tensor.RandomNormal([5], seed + 1, dtype: DType.Float64);
        TensorAssert.AllClose(Tensor.SoftmaxCrossEntropyBackward(g, p64, targets, 0.1, -100),
            Tensor.SoftmaxCrossEntropyBackward(g.Cast(DType.Float32), p32, targets, 0.1, -100).Cast(DType.Float64),
            1e-5, 1e-6);
    }

    [Fact]
    public void ATargetOutsideTheClassesIsRefusedWithItsSample()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Tensor.SoftmaxCrossEntropy(Tensor.Zeros([2, 3]), Tensor.From<int>([1, 3], [2]), 0, -100, out _));
        Assert.Contains("target 3 at sample 1", e.Message);
    }

    private static Tensor Target(int[] labels, int classes, double smoothing, int[] shape)
    {
        var q = new double[labels.Length * classes];
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] == -100) continue;
            for (int k = 0; k < classes; k++) q[n * classes + k] = smoothing / classes;
            q[n * classes + labels[n]] += 1 - smoothing;
        }
        return Tensor.From<double>(q, shape);
    }
}

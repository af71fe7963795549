using Qail.Autograd;
using Qail.Engine;
using Qail.Nn.Tests.Modules;

namespace Qail.Nn.Tests.Losses;

public class LossTests
{
    private static Variable V(params double[] values) => Variable.Constant(Tensor.From<double>(values));

    private static Variable M(double[] values, int rows) =>
        Variable.Constant(Tensor.From<double>(values, [rows, values.Length / rows]));

    [Fact]
    public void RegressionLossesMatchHandValues()
    {
        var p = V(1, 2, 3);
        Assert.Equal(13.0 / 3, Nn.Losses.Mse(p, V(1, 0, 0)).Item(), 12);
        Assert.Equal(13.0, Nn.Losses.Mse(p, V(1, 0, 0), Reduction.Sum).Item(), 12);
        Assert.Equal(5.0 / 3, Nn.Losses.L1(p, V(1, 0, 0)).Item(), 12);
        // d = [0.5, 2, -3]: 0.125, 2 - 0.5, 3 - 0.5.
        Assert.Equal([0.125, 1.5, 2.5], Nn.Losses.Huber(p, V(0.5, 0, 6), 1.0, Reduction.None).Value.ToDoubleArray());
        // 0.5 * (1 / 2)^2 + ln 2.
        Assert.Equal(0.125 + Math.Log(2), Nn.Losses.GaussianNll(V(0), V(Math.Log(2)), V(1)).Item(), 12);
        Assert.Equal(0.125 + Math.Log(2) + 0.5 * Math.Log(2 * Math.PI),
            Nn.Losses.GaussianNll(V(0), V(Math.Log(2)), V(1), full: true).Item(), 12);
        Assert.Throws<ArgumentException>(() => Nn.Losses.Mse(p, V(1, 2)));
    }

    [Fact]
    public void CrossEntropyWithIndicesSmoothingAndIgnoreIndex()
    {
        var logits = M([1, 2, 3, 0, 0, 0, 5, 5, 5], 3);
        var targets = Tensor.From<int>([2, 0, -100]);
        // Sample 0: logsumexp(1, 2, 3) - 3 = 0.4076...; sample 1: ln 3; sample 2 is ignored, so the mean is over two.
        Assert.Equal((0.40760596444438013 + Math.Log(3)) / 2, Nn.Losses.CrossEntropy(logits, targets).Item(), 12);
        AssertSequenceEqual([0.40760596444438013, Math.Log(3), 0],
            Nn.Losses.CrossEntropy(logits, targets, reduction: Reduction.None).Value.ToDoubleArray(), 1e-12);
        Assert.Equal((0.5076059644443801 + Math.Log(3)) / 2,
            Nn.Losses.CrossEntropy(logits, targets, labelSmoothing: 0.1).Item(), 12);
        var e = Assert.Throws<ArgumentException>(() => Nn.Losses.CrossEntropy(logits, Tensor.From<int>([2, 3, 0])));
        Assert.Contains("sample 1", e.Message);
    }

    private static void AssertSequenceEqual(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], tolerance);
    }

    [Fact]
    public void SoftTargetsEqualIndicesForOneHotTargets()
    {
        var logits = Variable.Constant(Tensor.RandomNormal([4, 5], 1, dtype: DType.Float64));
        var labels = Tensor.From<int>([0, 4, 2, 2]);
        var oneHot = Variable.Constant(Tensor.OneHot(labels, 5, DType.Float64));
        Assert.Equal(Nn.Losses.CrossEntropy(logits, labels, 0.2).Item(),
            Nn.Losses.CrossEntropy(logits, oneHot, 0.2).Item(), 12);
    }

    [Fact]
    public void KlDivergenceMatchesHandValueAndIsZeroForEqualLogits()
    {
        // p = [0.25, 0.75], q = [0.5, 0.5].
        Assert.Equal(0.13081203594113697, Nn.Losses.KlDivergence(M([0, Math.Log(3)], 1), M([0, 0], 1)).Item(), 12);
        var x = Variable.Constant(Tensor.RandomNormal([3, 4], 2, dtype: DType.Float64));
        Assert.Equal(0, Nn.Losses.KlDivergence(x, x + 7.0).Item(), 12);
    }

    [Fact]
    public void GradientsOfEveryLoss()
    {
        var a = ModuleGradCheck.Input([3, 4], 1);
        var b = ModuleGradCheck.Input([3, 4], 2);
        var c = ModuleGradCheck.Input([3, 4], 3);
        var labels = Tensor.From<int>([1, -100, 3]);
        Func<IReadOnlyList<Variable>, Variable>[] losses =
        [
            v => Nn.Losses.Mse(v[0], v[1]),
            v => Nn.Losses.L1(v[0], v[1]),
            v => Nn.Losses.Huber(v[0], v[1], 0.7),
            v => Nn.Losses.GaussianNll(v[0], v[2], v[1]),
            v => Nn.Losses.CrossEntropy(v[0], labels, 0.1),
            v => Nn.Losses.CrossEntropy(v[0], v[1].Softmax(-1), 0.1),
            v => Nn.Losses.KlDivergence(v[0], v[1]),
        ];
        foreach (var loss in losses)
        {
            var result = GradientChecker.Check(loss, [a, b, c], ModuleGradCheck.Options);
            Assert.True(result.Passed, result.ToString());
        }
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn.Tests.Optimizers;

public class OptimizerTests
{
    // Three steps from p = [1, -2] with these gradients; expected values worked out by hand from the update rules.
    private static readonly double[][] Gradients = [[0.5, -1.0], [0.1, 0.3], [-0.2, 0.4]];

    private static double[][] Run(Func<Variable, Optimizer> create, DType dtype = DType.Float64)
    {
        var p = Variable.Parameter(Tensor.From<double>([1.0, -2.0]).Cast(dtype));
        var optimizer = create(p);
        var trace = new List<double[]>();
        foreach (var g in Gradients)
        {
            p.Grad = Tensor.From<double>(g).Cast(dtype);
            optimizer.Step();
            trace.Add(p.Value.ToDoubleArray());
        }
        Assert.Equal(3, optimizer.StepCount);
        return trace.ToArray();
    }

    private static void AssertTrace(double[][] expected, double[][] actual, double tolerance = 1e-12)
    {
        for (int s = 0; s < expected.Length; s++)
            for (int i = 0; i < expected[s].Length; i++)
                Assert.True(Math.Abs(expected[s][i] - actual[s][i]) <= tolerance,
                    $"step {s + 1} element {i}: expected {expected[s][i]:R}, got {actual[s][i]:R}");
    }

    [Fact]
    public void SgdNesterovMatchesHandComputedSteps()
    {
        // b1 = 0.5, step = 0.5 + 0.9 * 0.5 = 0.95, p = 1 - 0.095 = 0.905; and so on.
        AssertTrace([[0.905, -1.81], [0.8455, -1.786], [0.83895, -1.8134]],
            Run(p => new Sgd([p], 0.1, momentum: 0.9, nesterov: true)));
    }

    [Fact]
    public void SgdMomentumWithWeightDecayMatchesHandComputedSteps()
    {
        AssertTrace([[0.949, -1.898], [0.892151, -1.834302], [0.860094749, -1.815139498]],
            Run(p => new Sgd([p], 0.1, momentum: 0.9, weightDecay: 0.01)));
    }

    [Fact]
    public void AdamBiasCorrectionMakesTheFirstStepTheLearningRate()
    {
        AssertTrace([[0.900000002, -1.900000001], [0.8196959063846518, -1.8572151424292265],
            [0.785260531835489, -1.8492092384765841]],
            Run(p => new Adam([p], 0.1)));
    }

    [Fact]
    public void AdamWDecaysDecoupledFromTheGradient()
    {
        // Step 1: p = 1 * (1 - 0.1 * 0.1) - 0.1 = 0.89.
        AssertTrace([[0.890000002, -1.880000001], [0.8007959063646517, -1.8184151424192265],
            [0.7583525727518423, -1.792225087042392]],
            Run(p => new AdamW([p], 0.1, weightDecay: 0.1)));
    }

    [Fact]
    public void Float32FollowsFloat64()
    {
        AssertTrace(Run(p => new AdamW([p], 0.1, weightDecay: 0.1)),
            Run(p => new AdamW([p], 0.1, weightDecay: 0.1), DType.Float32), 1e-5);
    }

    [Fact]
    public void ParameterGroupsUseTheirOwnRatesAndSchedulesScaleThem()
    {
        var a = Variable.Parameter(Tensor.Ones([2], DType.Float64));
        var b = Variable.Parameter(Tensor.Ones([2], DType.Float64));
        var sgd = new Sgd([new ParameterGroup([a], 0.1), new ParameterGroup([b], 0.01, name: "step sizes")]);
        new StepSchedule(1, 0.5).Apply(sgd, 1);
        a.Grad = Tensor.Ones([2], DType.Float64);
        b.Grad = Tensor.Ones([2], DType.Float64);
        sgd.Step();
        Assert.Equal([0.95, 0.95], a.Value.ToDoubleArray());
        Assert.Equal([0.995, 0.995], b.Value.ToDoubleArray());
        Assert.Throws<ArgumentException>(() => new Sgd([new ParameterGroup([a], 0.1), new ParameterGroup([a], 0.1)]));
        Assert.Throws<ArgumentException>(() => new Adam([Variable.Constant(Tensor.Ones([1]))]));
    }

    [Fact]
    public void ParametersWithoutGradientsAreNotUpdated()
    {
        var used = Variable.Parameter(Tensor.Ones([1], DType.Float64));
        var unused = Variable.Parameter(Tensor.Ones([1], DType.Float64));
        var adam = new AdamW([used, unused], 0.1, weightDecay: 0.5);
        used.Grad = Tensor.Ones([1], DType.Float64);
        adam.Step();
        Assert.Equal(1.0, unused.Value.Item());
        Assert.NotEqual(1.0, used.Value.Item());
        adam.ZeroGrad();
        Assert.Null(used.Grad);
    }

    [Property(MaxTest = 30)]
    public void PlainSgdIsValueMinusRateTimesGradient(PositiveInt n, int seed, NormalFloat rate)
    {
        int count = 1 + n.Get % 20;
        double lr = Math.Abs(rate.Get) % 1;
        var p = Variable.Parameter(Tensor.RandomNormal([count], seed, dtype: DType.Float64));
        var before = p.Value.ToDoubleArray();
        var g = Tensor.RandomNormal([count], seed + 1, dtype: DType.Float64);
        p.Grad = g;
        new Sgd([p], lr).Step();
        var after = p.Value.ToDoubleArray();
        var grad = g.ToDoubleArray();
        for (int i = 0; i < count; i++) Assert.Equal(before[i] - lr * grad[i], after[i], 12);
    }

    [Property(MaxTest = 30)]
    public void ClipByGlobalNormBoundsTheNorm(int seed, PositiveInt max)
    {
        double maxNorm = 0.1 + max.Get % 5;
        var ps = Enumerable.Range(0, 3).Select(i => Variable.Parameter(Tensor.Zeros([1 + i, 2], DType.Float64)))
            .ToArray();
        for (int i = 0; i < ps.Length; i++) ps[i].Grad = Tensor.RandomNormal([1 + i, 2], seed + i, 0, 3, DType.Float64);
        double norm = Math.Sqrt(ps.Sum(p => p.Grad!.ToDoubleArray().Sum(x => x * x)));
        double reported = GradientClipping.ClipByGlobalNorm(ps, maxNorm);
        double after = Math.Sqrt(ps.Sum(p => p.Grad!.ToDoubleArray().Sum(x => x * x)));
        Assert.Equal(norm, reported, 9);
        Assert.Equal(Math.Min(norm, after), after, 9);
        Assert.True(after <= maxNorm + 1e-9, $"norm {after} after clipping to {maxNorm}");
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;
using static Qail.Autograd.Tests.GradientCases;

namespace Qail.Autograd.Tests;

/// <summary>Reductions (sum, mean, max, min, variance) and matmul against central differences.</summary>
public class ReductionGradientProperties
{
    [Property(MaxTest = 12, Replay = "(20261126,9)")]
    public void ReductionRulesMatchFiniteDifferences(int seed, int shapeCode, byte rank, byte axisMask, bool allAxes,
        bool keepDim, bool nonContiguous)
    {
        var shape = Shape(1 + rank % 3, 4, shapeCode, seed);
        int[]? axes = allAxes ? null : Enumerable.Range(0, shape.Length).Where(i => (axisMask >> i & 1) == 1)
            .DefaultIfEmpty(shape.Length - 1).ToArray();
        var x = Layout(Distinct(shape, seed), nonContiguous);
        string at = $"{Shapes.Format(shape)} axes {(axes is null ? "all" : Shapes.Format(axes))} keepDim {keepDim}";
        AssertGradients($"Sum {at}", v => v[0].Sum(axes, keepDim), x);
        AssertGradients($"Mean {at}", v => v[0].Mean(axes, keepDim), x);
        AssertGradients($"Max {at}", v => v[0].Max(axes, keepDim), x);
        AssertGradients($"Min {at}", v => v[0].Min(axes, keepDim), x);
        AssertGradients($"Variance {at}", v => v[0].Variance(axes, keepDim, unbiased: false), x);
        if (ReducedCount(shape, axes) > 1)
            AssertGradients($"Variance unbiased {at}", v => v[0].Variance(axes, keepDim, unbiased: true), x);
    }

    [Fact]
    public void MaxSplitsTheGradientAmongTiedElements()
    {
        var x = Variable.Parameter(Tensor.From<double>([3, 1, 3, 2], [2, 2]));
        x.Max().Backward();
        Assert.Equal([0.5, 0, 0.5, 0], x.Grad!.ToDoubleArray());
        x.ZeroGrad();
        x.Max(1).Sum().Backward();
        Assert.Equal([1, 0, 1, 0], x.Grad!.ToDoubleArray());
    }

    [Property(MaxTest = 25, Replay = "(20261126,19)")]
    public Property MatMulRuleReducesOverBroadcastBatches()
    {
        var gen = from shapes in TensorGen.MatMulShapes(maxBatchRank: 2, maxDim: 4)
                  from seed in Gen.Choose(0, 1_000_000)
                  from nonContiguous in Gen.Elements(false, true)
                  select (shapes.A, shapes.B, seed, nonContiguous);
        return Prop.ForAll(gen.ToArbitrary(), c =>
            AssertGradients($"MatMul {Shapes.Format(c.A)} x {Shapes.Format(c.B)}", v => Variable.MatMul(v[0], v[1]),
                Layout(Uniform(c.A, c.seed), c.nonContiguous), Uniform(c.B, c.seed + 1)));
    }

    private static long ReducedCount(int[] shape, int[]? axes) =>
        axes is null ? shape.Aggregate(1L, (p, d) => p * d) : axes.Aggregate(1L, (p, a) => p * shape[a]);
}

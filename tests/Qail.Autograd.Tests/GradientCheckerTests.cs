using Qail.Autograd;
using Qail.Engine;

namespace Qail.Autograd.Tests;

/// <summary>The checker itself: it must flag a wrong rule and locate the worst element.</summary>
public class GradientCheckerTests
{
    /// <summary>x^3 with a deliberately wrong derivative (2x instead of 3x^2).</summary>
    private sealed class WrongCube : CustomFunction
    {
        protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
        {
            context.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput) =>
            [gradOutput * context.SavedTensors[0] * 2.0];
    }

    [Fact]
    public void FlagsAWrongRuleAndReportsTheWorstElement()
    {
        var x = Tensor.From<double>([0.5, 0.6, 3.0, 0.7], [2, 2]);
        var result = GradientChecker.Check(v => new WrongCube().Apply(v[0]).Sum(), [x]);
        Assert.False(result.Passed);
        Assert.Equal(0, result.WorstInput);
        Assert.Equal([1, 0], result.WorstIndex);
        // Both derivatives carry the same random projection weight, so only their ratio is fixed: 3x^2 / 2x at x = 3.
        Assert.Equal(27.0 / 6.0, result.WorstNumeric / result.WorstAnalytic, 6);
        Assert.Equal(4, result.ElementsChecked);
        Assert.Contains("FAILED", result.ToString());
    }

    [Fact]
    public void PassesACorrectRuleOnNonContiguousFloat32Input()
    {
        var x = GradientCases.NonContiguous(Tensor.RandomNormal([3, 2], seed: 4));
        var result = GradientChecker.Check(v => (v[0] * v[0] * v[0]).Sum(1), [x]);
        Assert.True(result.Passed, result.ToString());
        Assert.True(result.MaxAbsoluteError < 1e-6);
        Assert.Equal(6, result.ElementsChecked);
    }

    [Fact]
    public void RejectsIntegerInputs()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            GradientChecker.Check(v => v[0], [Tensor.Zeros([2], DType.Int32)]));
        Assert.Contains("input 0", error.Message);
    }
}

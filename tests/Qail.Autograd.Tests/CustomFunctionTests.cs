using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using static Qail.Autograd.Tests.GradientCases;

namespace Qail.Autograd.Tests;

/// <summary>The public custom-function API: a clipped straight-through round and a learned-scale function.</summary>
public class CustomFunctionTests
{
    /// <summary>
    /// round(clamp(x, -limit, limit)) whose backward passes the gradient straight through inside the clip range.
    /// </summary>
    private sealed class ClippedSteRound(double limit) : CustomFunction
    {
        protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
        {
            context.SaveForBackward(inputs[0]);
            return inputs[0].Clamp(-limit, limit).Round();
        }

        protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
        {
            var x = context.SavedTensors[0];
            var inside = Tensor.Le(x.Abs(), limit).Cast(gradOutput.DType);
            return [gradOutput * inside];
        }
    }

    /// <summary>
    /// x * s with s broadcast; its backward returns the scale gradient in the output shape and lets the API sum it.
    /// </summary>
    private sealed class Scale : CustomFunction
    {
        protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
        {
            context.SaveForBackward(inputs[0], inputs[1]);
            return inputs[0] * inputs[1];
        }

        protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput) =>
            [context.NeedsInputGrad(0) ? gradOutput * context.SavedTensors[1] : null,
             context.NeedsInputGrad(1) ? gradOutput * context.SavedTensors[0] : null];
    }

    [Fact]
    public void ClippedStraightThroughRoundPassesGradientInsideTheRange()
    {
        var x = Variable.Parameter(Tensor.From<double>([-3.2, -0.6, 0.4, 1.5, 2.9]));
        var y = new ClippedSteRound(limit: 2).Apply(x);
        Assert.Equal([-2.0, -1, 0, 2, 2], y.Value.ToDoubleArray());
        Assert.Equal("ClippedSteRound", y.OpName);
        (y * Variable.Constant(Tensor.From<double>([1, 2, 3, 4, 5]))).Sum().Backward();
        Assert.Equal([0.0, 2, 3, 4, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void CustomFunctionRecordsNothingUnderNoGrad()
    {
        var x = Variable.Parameter(Tensor.From<double>([0.3]));
        using var _ = GradMode.NoGrad();
        Assert.False(new ClippedSteRound(1).Apply(x).RequiresGrad);
    }

    [Property(MaxTest = 10, Replay = "(20261126,29)")]
    public void BroadcastGradientsFromACustomFunctionAreSummedToTheInputShape(int seed, int code)
    {
        var shape = Shape(2, 4, code, seed);
        AssertGradients("Scale", v => new Scale().Apply(v[0], v[1]).Tanh(), Uniform(shape, seed),
            Uniform([1], seed + 1));
        AssertGradients("Scale per column", v => new Scale().Apply(v[0], v[1]).Tanh(), Uniform(shape, seed),
            Uniform([shape[1]], seed + 1));
    }

    [Fact]
    public void BackwardReturningTheWrongNumberOfGradientsFailsClearly()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.0]));
        var y = new WrongArity().Apply(x, x);
        var error = Assert.Throws<InvalidOperationException>(() => y.Sum().Backward());
        Assert.Contains("WrongArity", error.Message);
        Assert.Contains("1 gradients for 2 inputs", error.Message);
    }

    private sealed class WrongArity : CustomFunction
    {
        protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs) =>
            inputs[0] + inputs[1];
        protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput) => [gradOutput];
    }
}

using Qail.Autograd;
using Qail.Engine;

namespace Qail.Autograd.Tests;

/// <summary>Graph mechanics: accumulation, broadcasting, NoGrad, Detach, graph freeing, long graphs, errors.</summary>
public class VariableBehaviourTests
{
    [Fact]
    public void GradientsAccumulateWhenAVariableIsReused()
    {
        var x = Variable.Parameter(Tensor.From<double>([1, -2, 3]));
        (x * x + x * 3.0 + x.Exp()).Sum().Backward();
        var expected = new[] { 1.0, -2, 3 }.Select(v => 2 * v + 3 + Math.Exp(v)).ToArray();
        var grad = x.Grad!.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], grad[i], 12);
    }

    [Fact]
    public void SecondBackwardAddsToExistingGradientUntilZeroGrad()
    {
        var x = Variable.Parameter(Tensor.From<double>([2.0]));
        var y = (x * x).Sum();
        y.Backward(retainGraph: true);
        y.Backward();
        Assert.Equal([8.0], x.Grad!.ToDoubleArray());
        x.ZeroGrad();
        Assert.Null(x.Grad);
    }

    [Fact]
    public void BroadcastInputReceivesGradientSummedOverBroadcastDimensions()
    {
        var a = Variable.Parameter(Tensor.Arange(0, 6, dtype: DType.Float64).Reshape(2, 3));
        var bias = Variable.Parameter(Tensor.From<double>([1, 2, 3]));
        var scale = Variable.Parameter(Tensor.From<double>([2, 3], [2, 1]));
        ((a + bias) * scale).Sum().Backward();
        Assert.Equal([5.0, 5, 5], bias.Grad!.ToDoubleArray());
        Assert.Equal([1 + 3 + 5.0, 4 + 6 + 8.0], scale.Grad!.ToDoubleArray());
        Assert.Equal([2, 1], scale.Grad.ShapeToArray());
    }

    [Fact]
    public void LeafGradientsDoNotShareStorage()
    {
        var a = Variable.Parameter(Tensor.Zeros([3], DType.Float64));
        var b = Variable.Parameter(Tensor.Zeros([3], DType.Float64));
        (a + b).Sum().Backward();
        a.Grad!.ScaleInPlace(5);
        Assert.Equal([1.0, 1, 1], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.0, 2]));
        Variable y;
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            y = (x * x).Exp().Sum();
        }
        Assert.True(GradMode.IsEnabled);
        Assert.False(y.RequiresGrad);
        Assert.True(y.IsLeaf);
        Assert.Empty(y.Inputs);
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("does not require gradients", error.Message);
        Assert.Null(x.Grad);
    }

    [Fact]
    public void NoGradIsPerThread()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.0]));
        using var _ = GradMode.NoGrad();
        bool recordedElsewhere = false;
        var thread = new Thread(() => recordedElsewhere = (x * 2.0).RequiresGrad);
        thread.Start();
        thread.Join();
        Assert.True(recordedElsewhere);
        Assert.False((x * 2.0).RequiresGrad);
    }

    [Fact]
    public void DetachStopsTheGradient()
    {
        var x = Variable.Parameter(Tensor.From<double>([3.0]));
        (x.Detach() * x).Sum().Backward();
        Assert.Equal([3.0], x.Grad!.ToDoubleArray());
        Assert.False(x.Detach().RequiresGrad);
        Assert.Same(x.Value, x.Detach().Value);
    }

    [Fact]
    public void BackwardOnNonScalarWithoutGradientThrows()
    {
        var x = Variable.Parameter(Tensor.Ones([2, 3], DType.Float64));
        var y = x * 2.0;
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("scalar", error.Message);
        Assert.Contains("[2, 3]", error.Message);
        y.Backward(Tensor.Full([2, 3], 0.5, DType.Float64));
        Assert.All(x.Grad!.ToDoubleArray(), g => Assert.Equal(1.0, g));
    }

    [Fact]
    public void BackwardRejectsAGradientOfTheWrongShape()
    {
        var y = Variable.Parameter(Tensor.Ones([2, 3], DType.Float64)) * 2.0;
        var error = Assert.Throws<ArgumentException>(() => y.Backward(Tensor.Ones([3, 2], DType.Float64)));
        Assert.Contains("[3, 2]", error.Message);
    }

    [Fact]
    public void GraphIsFreedAfterBackwardUnlessRetained()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.0]));
        var y = x.Exp().Sum();
        y.Backward();
        Assert.Empty(y.Inputs);
        var error = Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.Contains("retainGraph", error.Message);
    }

    [Fact]
    public void LongUnrolledGraphsDoNotOverflowTheStack()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.0]));
        var h = x;
        const int steps = 20_000;
        for (int i = 0; i < steps; i++) h = h * 1.0001 + 0.0;
        h.Sum().Backward();
        Assert.Equal(Math.Pow(1.0001, steps), x.Grad!.Item(), 9);
    }

    [Fact]
    public void IntegerLeavesCannotRequireGradients()
    {
        var error = Assert.Throws<ArgumentException>(() => Variable.Parameter(Tensor.Zeros([2], DType.Int32)));
        Assert.Contains("int32", error.Message);
    }

    [Fact]
    public void OnlyLeavesThatRequireGradientsReceiveThem()
    {
        var w = Variable.Parameter(Tensor.From<double>([2.0]));
        var c = Variable.Constant(Tensor.From<double>([5.0]));
        var hidden = w * c;
        (hidden * hidden).Sum().Backward();
        Assert.Equal([2 * 10.0 * 5], w.Grad!.ToDoubleArray());
        Assert.Null(c.Grad);
        Assert.Null(hidden.Grad);
        Assert.False(hidden.IsLeaf);
        Assert.Equal("Mul", hidden.OpName);
    }

    [Fact]
    public void Float32GraphsProduceFloat32Gradients()
    {
        var w = Variable.Parameter(Tensor.RandomNormal([3, 4], seed: 1));
        var x = Variable.Constant(Tensor.RandomNormal([5, 3], seed: 2));
        Variable.MatMul(x, w).Tanh().Mean().Backward();
        Assert.Equal(DType.Float32, w.Grad!.DType);
        Assert.Equal([3, 4], w.Grad.ShapeToArray());
    }
}

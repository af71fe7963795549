using Qail.Engine;

namespace Qail.Autograd.Tests;

/// <summary>The README's first C# example, kept compiling and correct.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void TensorExpressionAndBackwardFromTheReadme()
    {
        var x = Variable.Parameter(Tensor.RandomNormal([4, 3], seed: 1));
        var w = Variable.Parameter(Tensor.RandomNormal([3, 2], seed: 2));
        var loss = Variable.MatMul(x, w).Tanh().Square().Mean();
        loss.Backward();

        Assert.Equal([3, 2], w.Grad!.ShapeToArray());
        // d mean(tanh(xw)^2) / dw = x^T (2 tanh(xw) (1 - tanh(xw)^2)) / 8, computed here by hand.
        var z = Tensor.MatMul(x.Value, w.Value).Tanh();
        var local = Tensor.Mul(Tensor.Mul(z, 2.0), Tensor.Sub(1.0, z.Square()));
        var expected = Tensor.Div(Tensor.MatMul(x.Value.T, local), 8.0).ToArray<float>();
        var actual = w.Grad.ToArray<float>();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }
}

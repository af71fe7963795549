using Qail.Autograd;
using Qail.Engine;

namespace Qail.Autograd.Tests;

/// <summary>End to end: a 2-layer MLP trained by plain gradient descent fits y = sin(x1) + x2^2.</summary>
public class MlpRegressionTests
{
    [Fact]
    public void GradientDescentFitsANonlinearTarget()
    {
        const int samples = 128, hidden = 32, steps = 600;
        const double learningRate = 0.1;
        var x = Tensor.RandomUniform([samples, 2], seed: 1, low: -1.5, high: 1.5);
        var xs = x.ToArray<float>();
        var y = Enumerable.Range(0, samples).Select(i => MathF.Sin(xs[2 * i]) + xs[2 * i + 1] * xs[2 * i + 1])
            .ToArray();
        var target = Variable.Constant(Tensor.From<float>(y, [samples, 1]));
        var input = Variable.Constant(x);

        var w1 = Variable.Parameter(Tensor.RandomNormal([2, hidden], seed: 2, std: 1.0));
        var b1 = Variable.Parameter(Tensor.Zeros([hidden]));
        var w2 = Variable.Parameter(Tensor.RandomNormal([hidden, 1], seed: 3, std: 1.0 / Math.Sqrt(hidden)));
        var b2 = Variable.Parameter(Tensor.Zeros([1]));
        Variable[] parameters = [w1, b1, w2, b2];

        double Loss() =>
            ((Variable.MatMul((Variable.MatMul(input, w1) + b1).Tanh(), w2) + b2 - target).Square().Mean()).Item();
        double initial = Loss();
        for (int step = 0; step < steps; step++)
        {
            var prediction = Variable.MatMul((Variable.MatMul(input, w1) + b1).Tanh(), w2) + b2;
            var loss = (prediction - target).Square().Mean();
            foreach (var p in parameters) p.ZeroGrad();
            loss.Backward();
            using var _ = GradMode.NoGrad();
            foreach (var p in parameters) p.Value.AddInPlace(p.Grad!, -learningRate);
        }
        double final = Loss();
        Assert.True(final < 0.02,
            $"MSE after {steps} steps is {final:G4} (started at {initial:G4}); expected below 0.02.");
        Assert.True(final < initial / 20, $"MSE fell only from {initial:G4} to {final:G4}.");
    }
}

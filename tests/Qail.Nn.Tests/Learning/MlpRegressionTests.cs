using System.Diagnostics;
using Qail.Autograd;
using Qail.Engine;
using Xunit.Abstractions;

namespace Qail.Nn.Tests.Learning;

public class MlpRegressionTests(ITestOutputHelper output)
{
    private static (Tensor X, Tensor Y) Data(int count, long seed)
    {
        var x = Tensor.RandomUniform([count, 2], seed, -1.5, 1.5);
        var v = x.ToArray<float>();
        var y = new float[count];
        for (int i = 0; i < count; i++) y[i] = MathF.Sin(2 * v[2 * i]) * MathF.Cos(v[2 * i + 1]);
        return (x, Tensor.From<float>(y, [count, 1]));
    }

    [Fact]
    public void MlpFitsANonlinearSurface()
    {
        var clock = Stopwatch.StartNew();
        var model = new Sequential(new Linear(2, 64, 1), new Tanh(), new Linear(64, 64, 2), new Tanh(),
            new Linear(64, 1, 3));
        var (x, y) = Data(256, 10);
        var optimizer = new Adam(model.Parameters(), 0.01);
        var schedule = new WarmupCosineSchedule(20, 400, 0.05);
        for (int step = 0; step < 400; step++)
        {
            schedule.Apply(optimizer, step);
            optimizer.ZeroGrad();
            Nn.Losses.Mse(model.Forward(Variable.Constant(x)), Variable.Constant(y)).Backward();
            optimizer.Step();
        }
        var (tx, ty) = Data(512, 11);
        double variance = Nn.Losses.Mse(Variable.Constant(ty), Variable.Constant(Tensor.Zeros([512, 1]))).Item();
        double testMse;
        using (GradMode.NoGrad())
            testMse = Nn.Losses.Mse(model.Forward(Variable.Constant(tx)), Variable.Constant(ty)).Item();
        output.WriteLine($"MLP regression: held-out MSE {testMse:G4} (target mean square {variance:G4}) in "
            + $"{clock.ElapsedMilliseconds} ms");
        Assert.True(testMse < 0.01, $"held-out MSE {testMse} should be below 0.01 (target mean square {variance})");
    }
}

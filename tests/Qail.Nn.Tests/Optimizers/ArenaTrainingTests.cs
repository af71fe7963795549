using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn.Tests.Optimizers;

public class ArenaTrainingTests
{
    private static (Sequential Model, AdamW Optimizer) Network()
    {
        var model = new Sequential(
            new Conv2d(3, 8, 3, 1, padding: 1, bias: false), new BatchNorm2d(8), new ReLU(),
            new ResNetBasicBlock(8, 16, 2, stride: 2), new GlobalAvgPool2d(), new Linear(16, 4, 3));
        return (model, new AdamW(model.Parameters(), 1e-2, weightDecay: 1e-3));
    }

    private static double TrainStep(Sequential model, Optimizer optimizer, int step)
    {
        var images = Variable.Constant(Tensor.RandomNormal([4, 3, 16, 16], 50 + step));
        var targets = Variable.Constant(Tensor.RandomNormal([4, 4], 80 + step));
        optimizer.ZeroGrad();
        var loss = Nn.Losses.Mse(model.Forward(images), targets);
        loss.Backward();
        GradientClipping.ClipByGlobalNorm(model.Parameters(), 1.0);
        optimizer.Step();
        return loss.Item();
    }

    [Fact]
    public void StepsInAnArenaGiveTheSameBitsAsWithout()
    {
        var (plain, plainOptimizer) = Network();
        var (pooled, pooledOptimizer) = Network();
        var arena = new TensorArena();
        for (int step = 0; step < 4; step++)
        {
            double expected = TrainStep(plain, plainOptimizer, step);
            double actual;
            using (arena.Step()) actual = TrainStep(pooled, pooledOptimizer, step);
            Assert.Equal(expected, actual);
        }
        // Parameters, their gradients and the running statistics live outside the scope and match bit for bit.
        var a = plain.StateDict();
        var b = pooled.StateDict();
        Assert.Equal(a.Select(e => e.Key), b.Select(e => e.Key));
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Value.ToDoubleArray(), b[i].Value.ToDoubleArray());
        var plainGrads = plain.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray();
        var pooledGrads = pooled.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray();
        Assert.Equal(plainGrads, pooledGrads);
    }

    [Fact]
    public void GradientsAccumulateAcrossScopes()
    {
        var (plain, plainOptimizer) = Network();
        var (pooled, _) = Network();
        var images = Variable.Constant(Tensor.RandomNormal([4, 3, 16, 16], 5));
        plainOptimizer.ZeroGrad();
        for (int i = 0; i < 2; i++) plain.Forward(images).Square().Mean().Backward();
        var arena = new TensorArena();
        for (int i = 0; i < 2; i++)
        {
            using var scope = arena.Step();
            pooled.Forward(images).Square().Mean().Backward();
        }
        var expected = plain.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray();
        Assert.Equal(expected, pooled.Parameters().Select(p => p.Grad!.ToDoubleArray()).ToArray());
    }
}

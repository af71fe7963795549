namespace Qail.Engine.Tests;

public class TensorArenaTests
{
    private static Tensor Step(Tensor x) => (x * 2.0 + 1.0).Relu().Sum([1]);

    [Fact]
    public void ScopedStepsGiveTheSameBitsAndReuseTheBuffers()
    {
        var x = Tensor.RandomNormal([64, 96], 3);
        var expected = Step(x).ToArray<float>();
        var arena = new TensorArena();
        for (int i = 0; i < 3; i++)
        {
            using var scope = arena.Step();
            Assert.Equal(expected, Step(x).ToArray<float>());
        }
        // The first step filled the pool; the later ones found every buffer there.
        long misses = arena.Misses;
        using (arena.Step()) Step(x);
        Assert.Equal(misses, arena.Misses);
        Assert.True(arena.IdleBytes >= 64 * 96 * sizeof(float));
    }

    [Fact]
    public void PooledBuffersComeBackZeroed()
    {
        var arena = new TensorArena();
        using (arena.Step()) Tensor.Full([4096], 7.0);
        using (arena.Step()) Assert.All(Tensor.Zeros([4096]).ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReadingAStepTensorAfterTheScopeThrows()
    {
        var arena = new TensorArena();
        Tensor inside;
        using (arena.Step()) inside = Tensor.Ones([64, 64]);
        var error = Assert.Throws<InvalidOperationException>(() => inside.ToArray<float>());
        Assert.Contains("TensorArena", error.Message);
    }

    [Fact]
    public void SuspendedAndShortTensorsOutliveTheScope()
    {
        var arena = new TensorArena();
        Tensor kept, small;
        using (arena.Step())
        {
            using (TensorArena.Suspend()) kept = Tensor.Ones([64, 64]);
            small = Tensor.Ones([TensorArena.MinimumLength - 1]);
        }
        Assert.All(kept.ToArray<float>(), v => Assert.Equal(1f, v));
        Assert.All(small.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void OneScopePerThread()
    {
        var arena = new TensorArena();
        using var scope = arena.Step();
        Assert.Throws<InvalidOperationException>(() => new TensorArena().Step());
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Nn.Tests.Modules;

public class InitTests
{
    private static (double Mean, double Std) Moments(Tensor t)
    {
        var v = t.ToDoubleArray();
        double mean = v.Average();
        return (mean, Math.Sqrt(v.Select(x => (x - mean) * (x - mean)).Average()));
    }

    [Fact]
    public void FansFollowPyTorch()
    {
        Assert.Equal((27L, 72L), Init.Fans([8, 3, 3, 3]));
        Assert.Equal((5L, 7L), Init.Fans([7, 5]));
        Assert.Throws<ArgumentException>(() => Init.Fans([4]));
    }

    [Fact]
    public void SchemesHaveTheirStatedSpread()
    {
        int[] shape = [64, 32, 3, 3];
        double fanIn = 32 * 9, fanOut = 64 * 9;
        Assert.Equal(Math.Sqrt(2 / fanIn), Moments(Init.KaimingNormal(shape, 1)).Std, 0.002);
        Assert.Equal(Math.Sqrt(2 / fanOut), Moments(Init.KaimingNormal(shape, 1, mode: FanMode.FanOut)).Std, 0.002);
        Assert.Equal(Math.Sqrt(2 / fanIn), Moments(Init.KaimingUniform(shape, 2)).Std, 0.002);
        Assert.Equal(Math.Sqrt(2 / (fanIn + fanOut)), Moments(Init.XavierNormal(shape, 3)).Std, 0.002);
        Assert.Equal(Math.Sqrt(2 / (fanIn + fanOut)), Moments(Init.XavierUniform(shape, 4)).Std, 0.002);
        double bound = Math.Sqrt(6 / (fanIn + fanOut));
        Assert.All(Init.XavierUniform(shape, 4).ToDoubleArray(), x => Assert.InRange(x, -bound, bound));
        var (mean, std) = Moments(Init.Normal([10000], 5, 3, 0.5));
        Assert.Equal(3, mean, 0.02);
        Assert.Equal(0.5, std, 0.02);
    }

    [Property(MaxTest = 20)]
    public void SameSeedSameBits(int seed, PositiveInt rows)
    {
        int[] shape = [1 + rows.Get % 8, 3];
        TensorAssert.Equal(Init.KaimingUniform(shape, seed), Init.KaimingUniform(shape, seed));
        TensorAssert.Equal(Init.XavierNormal(shape, seed, dtype: DType.Float64),
            Init.XavierNormal(shape, seed, dtype: DType.Float64));
        Assert.NotEqual(Init.DeriveSeed(seed, 0), Init.DeriveSeed(seed, 1));
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Quantization;
using Qail.Quantization.Observers;

namespace Qail.Tests.Quantization;

public class ObserverTests
{
    private const string Seed = "(20261126,3)";

    private static Gen<float[]> Values() =>
        Gen.ArrayOf(Gen.Choose(-100000, 100000).Select(v => v / 1000f), 64).Where(v => v.Max() > v.Min());

    [Property(MaxTest = 50, Replay = Seed)]
    public Property MinMaxCoversEverythingObserved() =>
        Prop.ForAll(Values().ToArbitrary(), Values().ToArbitrary(), (a, b) =>
    {
        var observer = new MinMaxObserver();
        observer.Observe(a);
        observer.Observe(b);
        Assert.Equal((a.Concat(b).Min(), a.Concat(b).Max()), observer.Range);
    });

    [Property(MaxTest = 50, Replay = Seed)]
    public Property PercentileRangeLiesInsideTheFullRange() => Prop.ForAll(Values().ToArbitrary(), v =>
    {
        var observer = new PercentileObserver(99);
        observer.Observe(v);
        var (min, max) = observer.Range;
        Assert.InRange(min, v.Min(), v.Max());
        Assert.InRange(max, min, v.Max());
    });

    [Property(MaxTest = 30, Replay = Seed)]
    public Property MseSearchNeverDoesWorseThanTheFullRange() => Prop.ForAll(Values().ToArbitrary(), v =>
    {
        var spec = new TensorQuantSpec(3);
        double Error((float Min, float Max) range)
        {
            var p = MseClippingSearch.Parameters(range.Min, range.Max, spec);
            return v.Sum(x => Math.Pow(x - p.Dequantize(p.Quantize(x)), 2));
        }
        Assert.True(Error(MseClippingSearch.Find(v, spec)) <= Error((v.Min(), v.Max())) + 1e-9);
    });

    [Fact]
    public void MovingAverageFollowsTheBatchesSlowly()
    {
        var observer = new MovingAverageMinMaxObserver(momentum: 0.5);
        observer.Observe([-1f, 1f]);
        observer.Observe([-3f, 5f]);
        Assert.Equal((-2f, 3f), observer.Range);
    }

    [Fact]
    public void ObserversRefuseNonFiniteValuesAndAnEmptyRange()
    {
        var observer = new MinMaxObserver();
        Assert.Contains("run calibration first",
            Assert.Throws<InvalidOperationException>(() => observer.Range).Message);
        var error = Assert.Throws<ArgumentException>(() => observer.Observe([1f, float.NaN]));
        Assert.Contains("index 1", error.Message);
        Assert.False(observer.HasRange);
    }
}

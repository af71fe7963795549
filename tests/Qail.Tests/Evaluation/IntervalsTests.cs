using Qail.Evaluation;

namespace Qail.Tests.Evaluation;

public class IntervalsTests
{
    [Fact]
    public void WilsonMatchesTheClosedForm()
    {
        var none = Intervals.Wilson(0, 10);
        Assert.Equal(0, none.Estimate);
        Assert.Equal(0, none.Low, 9);
        Assert.Equal(27.75, none.High, 2); // z^2 / (n + z^2) for p = 0
        var half = Intervals.Wilson(50, 100);
        Assert.Equal(50, half.Estimate);
        Assert.Equal(40.38, half.Low, 2);
        Assert.Equal(59.62, half.High, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => Intervals.Wilson(3, 2));
    }

    [Fact]
    public void BootstrapCoversTheMeanAndWidensWithSpreadBetweenSeeds()
    {
        var random = new Qail.Engine.SeededRandom(1);
        var episodes = Enumerable.Range(0, 100).Select(_ => 100 + 10 * random.NextNormal()).ToArray();
        var one = Intervals.BootstrapMean(episodes, seed: 2);
        Assert.True(one.Low < episodes.Average() && episodes.Average() < one.High);
        Assert.InRange(one.High - one.Low, 2.5, 5.5); // about 2 x 1.96 x 10 / sqrt(100)
        IReadOnlyList<double> Shifted(double by) => episodes.Select(v => v + by).ToArray();
        var spread = Intervals.BootstrapMean([Shifted(-30), Shifted(0), Shifted(30)], seed: 2);
        Assert.True(spread.High - spread.Low > 5 * (one.High - one.Low),
            $"seed spread should widen the interval: {spread.Format()}");
    }

    [Fact]
    public void PairedDifferenceRemovesTheEpisodeNoiseBothPoliciesShare()
    {
        var random = new Qail.Engine.SeededRandom(3);
        var a = Enumerable.Range(0, 50).Select(_ => 500 + 200 * random.NextNormal()).ToArray();
        var b = a.Select(v => v - 3).ToArray();
        var paired = Intervals.PairedDifference([(a, b)]);
        Assert.Equal(3, paired.Estimate, 9);
        Assert.True(paired.ExcludesZero);
        Assert.Throws<ArgumentException>(() => Intervals.PairedDifference([(a, b.Take(3).ToArray())]));
    }
}

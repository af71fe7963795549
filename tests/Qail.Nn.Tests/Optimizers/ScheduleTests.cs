using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Qail.Nn.Tests.Optimizers;

public class ScheduleTests
{
    [Fact]
    public void ConstantAndStepSchedules()
    {
        Assert.Equal(1.0, new ConstantSchedule().Factor(1000));
        var step = new StepSchedule(10, 0.5);
        Assert.Equal([1.0, 1.0, 0.5, 0.25], new long[] { 0, 9, 10, 25 }.Select(step.Factor));
        Assert.Throws<ArgumentOutOfRangeException>(() => step.Factor(-1));
    }

    [Fact]
    public void WarmupCosineHitsItsLandmarks()
    {
        var s = new WarmupCosineSchedule(warmupSteps: 4, totalSteps: 14, minFactor: 0.1);
        Assert.Equal([0.25, 0.5, 0.75, 1.0], new long[] { 0, 1, 2, 3 }.Select(s.Factor));
        Assert.Equal(1.0, s.Factor(4), 12);
        Assert.Equal(0.55, s.Factor(9), 12); // half way down the cosine
        Assert.Equal(0.1, s.Factor(14), 12);
        Assert.Equal(0.1, s.Factor(100), 12);
    }

    [Property(MaxTest = 50)]
    public void CosineDecaysMonotonicallyWithinBounds(PositiveInt warmup, PositiveInt length, PositiveInt step)
    {
        var s = new WarmupCosineSchedule(warmup.Get % 50, warmup.Get % 50 + 1 + length.Get % 200, 0.05);
        long t = s.WarmupSteps + step.Get % 300;
        Assert.InRange(s.Factor(t), 0.05, 1.0);
        Assert.True(s.Factor(t + 1) <= s.Factor(t) + 1e-15);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Driving;

namespace Qail.Envs.Tests.Driving;

public class DrivingScoreTests
{
    private static Dictionary<string, int> Counts(int collisions = 0, int red = 0, int offRoad = 0, int invasions = 0,
        int deviations = 0) => new()
    {
        [Infractions.CollisionVehicle] = collisions,
        [Infractions.RedLight] = red,
        [Infractions.OffRoad] = offRoad,
        [Infractions.LaneInvasion] = invasions,
        [Infractions.RouteDeviation] = deviations,
    };

    [Fact]
    public void Constructed_cases_match_the_leaderboard_formula()
    {
        Assert.Equal(100.0, DrivingScore.Compute(100, Counts()), 12);
        Assert.Equal(80.0 * 0.6, DrivingScore.Compute(80, Counts(collisions: 1)), 12);
        Assert.Equal(50.0 * 0.7 * 0.7 * 0.6, DrivingScore.Compute(50, Counts(collisions: 1, red: 2)), 12);
        Assert.Equal(100.0 * 0.65 * 0.85, DrivingScore.Compute(100, Counts(offRoad: 1, invasions: 1)), 12);
        Assert.Equal(30.0, DrivingScore.Compute(30, Counts(deviations: 1)), 12);
        Assert.Equal(0.0, DrivingScore.Compute(0, Counts(collisions: 3)), 12);
        Assert.Equal(0.6 * 0.6, DrivingScore.Penalty(Counts(collisions: 2)), 12);
    }

    [Fact]
    public void Bad_inputs_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => DrivingScore.Compute(100.5, Counts()));
        Assert.Throws<ArgumentException>(() => DrivingScore.Compute(-1, Counts()));
        Assert.Throws<ArgumentException>(() => DrivingScore.Compute(double.NaN, Counts()));
        Assert.Throws<ArgumentException>(() => DrivingScore.Penalty(Counts(red: -1)));
        var e = Assert.Throws<ArgumentException>(() =>
            DrivingScore.Penalty(new Dictionary<string, int> { ["honking"] = 1 }));
        Assert.Contains("honking", e.Message);
    }

    [Property(MaxTest = 100)]
    public Property Score_is_the_product_and_never_grows_with_more_infractions(byte rc, byte c, byte r, byte o, byte l)
    {
        double completion = rc % 101;
        var counts = Counts(c % 4, r % 4, o % 3, l % 5);
        double expected = completion * Math.Pow(0.6, c % 4) * Math.Pow(0.7, r % 4) * Math.Pow(0.65, o % 3)
            * Math.Pow(0.85, l % 5);
        double score = DrivingScore.Compute(completion, counts);
        var worse = new Dictionary<string, int>(counts) { [Infractions.RedLight] = counts[Infractions.RedLight] + 1 };
        return (Math.Abs(score - expected) < 1e-9 && score <= completion
            && DrivingScore.Compute(completion, worse) <= score).ToProperty();
    }
}

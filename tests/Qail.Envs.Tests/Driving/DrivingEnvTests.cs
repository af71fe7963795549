using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Driving;

namespace Qail.Envs.Tests.Driving;

public class DrivingEnvTests
{
    private static DrivingEnv Make(string name, int seed) => (DrivingEnv)Env.Make(name, seed);

    [Fact]
    public void All_twelve_conditions_are_registered_with_the_documented_spec()
    {
        var names = Env.Names.Where(n => n.StartsWith("driving-nocrash-", StringComparison.Ordinal)).ToArray();
        Assert.Equal(12, names.Length);
        foreach (var code in new[] { "tt", "tn", "nt", "nn" })
            foreach (var suffix in new[] { "", "-empty", "-dense" })
                Assert.Contains($"driving-nocrash-{code}{suffix}", names);
        var env = Make("driving-nocrash-nn-dense", 1);
        Assert.Same(TownFamily.New, env.Family);
        Assert.Contains(env.Weather, Weather.New);
        Assert.Equal(new ImageSpec(64, 64, 5), env.Spec.Image);
        Assert.Equal(1, env.Spec.StateSize);
        Assert.Equal(4, env.Spec.CommandCount);
        Assert.Equal([-1f, 0f, 0f], env.Spec.Action.Low);
        Assert.Equal([1f, 1f, 1f], env.Spec.Action.High);
        Assert.Equal(0.1, env.Spec.TimeStep);
        Assert.Equal(1000, env.Spec.MaxSteps);
        Assert.IsType<DrivingExpert>(Expert.For(env));
    }

    [Property(MaxTest = 4)]
    public Property Same_seed_and_actions_give_the_same_bits(int seed)
    {
        var a = Make("driving-nocrash-tn-dense", seed);
        var b = Make("driving-nocrash-tn-dense", seed);
        var expert = new DrivingExpert(a);
        bool same = true;
        for (int i = 0; i < 80 && !a.Done; i++)
        {
            var action = expert.Act(a);
            var ra = a.Step(action);
            var rb = b.Step(action);
            same &= ra.Observation.Image!.AsSpan().SequenceEqual(rb.Observation.Image)
                    && ra.Observation.State![0] == rb.Observation.State![0]
                    && ra.Observation.Command == rb.Observation.Command
                    && ra.Reward == rb.Reward && ra.Done == rb.Done
                    && a.Ego == b.Ego
                    && a.Traffic.Cars.Select(c => (c.Edge, c.S, c.Speed))
                        .SequenceEqual(b.Traffic.Cars.Select(c => (c.Edge, c.S, c.Speed)));
        }
        same &= a.Render().Pixels.AsSpan().SequenceEqual(b.Render().Pixels);
        return same.ToProperty();
    }

    [Fact]
    public void Different_seeds_give_different_episodes()
    {
        var a = Make("driving-nocrash-tt", 1).Reset(1);
        var b = Make("driving-nocrash-tt", 2).Reset(2);
        Assert.False(a.Image!.AsSpan().SequenceEqual(b.Image));
    }

    [Fact]
    public void Clean_raster_has_the_documented_channels()
    {
        var env = Make("driving-nocrash-tt", 5);
        var image = new byte[64 * 64 * 5];
        BirdsEyeRaster.Draw(image, env.Town, env.Route, env.Progress, env.Traffic, env.Ego, env.Time);
        byte At(int row, int col, int channel) => image[(row * 64 + col) * 5 + channel];
        Assert.Equal(255, At(BirdsEyeRaster.EgoRow, BirdsEyeRaster.EgoColumn, BirdsEyeRaster.RoadChannel));
        // The route runs straight ahead of the ego at the start.
        Assert.Equal(255, At(BirdsEyeRaster.EgoRow - 10, BirdsEyeRaster.EgoColumn, BirdsEyeRaster.RouteChannel));
        Assert.Equal(0, At(BirdsEyeRaster.EgoRow + 10, BirdsEyeRaster.EgoColumn, BirdsEyeRaster.RouteChannel));
        // Lane markings are a thin subset of the road.
        int road = 0, marking = 0;
        for (int p = 0; p < 64 * 64; p++)
        {
            road += image[p * 5] == 255 ? 1 : 0;
            marking += image[p * 5 + 1] == 255 ? 1 : 0;
            Assert.True(image[p * 5 + 1] == 0 || image[p * 5] == 255);
        }
        Assert.InRange(marking, 20, road / 2);
        // Every byte of the lights channel is a light code or 0.
        for (int p = 0; p < 64 * 64; p++) Assert.Contains(image[p * 5 + 4], new byte[] { 0, 85, 170, 255 });
    }

    [Fact]
    public void New_weathers_degrade_the_raster()
    {
        var clean = new byte[64 * 64 * 5];
        var env = Make("driving-nocrash-tn", 3);
        BirdsEyeRaster.Draw(clean, env.Town, env.Route, env.Progress, env.Traffic, env.Ego, env.Time);
        foreach (var weather in Weather.New)
        {
            var noisy = (byte[])clean.Clone();
            weather.Apply(noisy, 5, new SplitMix64(1));
            Assert.False(noisy.AsSpan().SequenceEqual(clean));
            // Noise stays bounded: a road pixel remains far brighter than an off-road one on average.
            double on = 0, off = 0; int nOn = 0, nOff = 0;
            for (int p = 0; p < 64 * 64; p++)
                if (clean[p * 5] == 255) { on += noisy[p * 5]; nOn++; } else { off += noisy[p * 5]; nOff++; }
            Assert.True(on / nOn - off / Math.Max(1, nOff) > 100);
        }
        var neutral = (byte[])clean.Clone();
        Weather.Train[0].Apply(neutral, 5, new SplitMix64(1));
        Assert.Equal(clean, neutral);
    }

    [Fact]
    public void Bad_actions_are_rejected_and_leave_the_state_unchanged()
    {
        var env = Make("driving-nocrash-tt", 4);
        env.Step([0f, 0.5f, 0f]);
        var snapshot = (env.Ego, env.Time, env.StepCount, env.Progress,
            Cars: env.Traffic.Cars.Select(c => (c.Edge, c.S, c.Speed)).ToArray());
        float[][] bad = [[0f, 1f], [0f, 1f, 0f, 0f], [float.NaN, 0f, 0f], [0f, float.PositiveInfinity, 0f],
            [0f, 0f, float.NegativeInfinity]];
        foreach (var action in bad)
        {
            var e = Assert.Throws<ArgumentException>(() => env.Step(action));
            Assert.Contains("action", e.Message);
            Assert.Equal(snapshot.Ego, env.Ego);
            Assert.Equal(snapshot.Time, env.Time);
            Assert.Equal(snapshot.StepCount, env.StepCount);
            Assert.Equal(snapshot.Progress, env.Progress);
            Assert.Equal(snapshot.Cars, env.Traffic.Cars.Select(c => (c.Edge, c.S, c.Speed)).ToArray());
        }
        Assert.Throws<InvalidOperationException>(() =>
            new DrivingEnv("x", TownFamily.Train, Weather.Train, TrafficDensity.Empty).Step([0f, 0f, 0f]));
    }

    [Fact]
    public void Constructed_rear_end_crash_is_a_vehicle_collision_and_ends_the_episode()
    {
        var env = Make("driving-nocrash-tt-empty", 6);
        Assert.Empty(env.Traffic.Cars);
        var first = env.Town.Edges[env.Route.Edges[0]];
        env.Traffic.Place(env.Town, first.Index, RoutePlanner.StartOffset + 12, new IntelligentDriverModel(0.5),
            new SplitMix64(1));
        StepResult result;
        do result = env.Step([0f, 1f, 0f]);
        while (!result.Done);
        Assert.True(result.Terminated);
        Assert.False(result.Info.Success);
        Assert.Equal(1, result.Info.Infractions[Infractions.CollisionVehicle]);
        Assert.InRange(env.Time, 1.0, 6.0);
        double rc = result.Info.Metrics["route_completion"];
        Assert.Equal(rc * 0.6, result.Info.Metrics["driving_score"], 9);
        Assert.Equal(DrivingScore.Compute(rc, result.Info.Infractions), result.Info.Metrics["driving_score"], 12);

        var snapshot = (env.Ego, env.Time, env.StepCount);
        Assert.Throws<InvalidOperationException>(() => env.Step([0f, 0f, 0f]));
        Assert.Equal(snapshot, (env.Ego, env.Time, env.StepCount));
    }

    [Fact]
    public void Steering_off_the_road_ends_the_episode_with_an_infraction()
    {
        var env = Make("driving-nocrash-tt-empty", 7);
        StepResult result;
        do result = env.Step([-1f, 0.6f, 0f]);
        while (!result.Done);
        Assert.True(result.Terminated);
        Assert.False(result.Info.Success);
        Assert.True(result.Info.Infractions[Infractions.OffRoad]
            + result.Info.Infractions[Infractions.RouteDeviation] >= 1);
        Assert.True(result.Info.Metrics["driving_score"] <= result.Info.Metrics["route_completion"]);
    }

    [Fact]
    public void Crossing_the_centre_line_counts_one_lane_invasion()
    {
        var env = Make("driving-nocrash-tt-empty", 0);
        int seed = 0;
        while (env.Town.Edges[env.Route.Edges[0]].Lane != 0) env.Reset(++seed);
        for (int t = 0; t < 100; t++)
        {
            // Pure pursuit of a line 3.5 m left of the route: the inner lane of opposite travel direction.
            double s = env.Progress + 8;
            var target = env.Route.Path.PointAt(s) + 3.5 * Vec2.FromAngle(env.Route.Path.HeadingAt(s)).Left;
            var to = target - env.Ego.RearAxle;
            double alpha = Headings.Difference(Math.Atan2(to.Y, to.X), env.Ego.Heading);
            double steer = Math.Atan2(2 * KinematicBicycle.Wheelbase * Math.Sin(alpha), to.Length)
                / KinematicBicycle.MaxSteerAngle;
            var result = env.Step([(float)Math.Clamp(steer, -1, 1), t < 20 ? 0.3f : 0f, 0f]);
            Assert.False(result.Done);
        }
        Assert.Equal(1, env.InfractionCounts[Infractions.LaneInvasion]);
        Assert.Equal(0, env.InfractionCounts[Infractions.OffRoad]);
    }

    [Fact]
    public void Actions_beyond_the_bounds_saturate_like_the_pedals()
    {
        var a = Make("driving-nocrash-tt-empty", 8);
        var b = Make("driving-nocrash-tt-empty", 8);
        a.Step([3f, 2f, -1f]);
        b.Step([1f, 1f, 0f]);
        Assert.Equal(b.Ego, a.Ego);
    }

    [Fact]
    public void Render_shows_the_town_with_route_and_cars()
    {
        var env = Make("driving-nocrash-nt", 9);
        var frame = env.Render();
        Assert.InRange(Math.Max(frame.Width, frame.Height), 200, TopDownView.MaxSide);
        Assert.Equal(frame.Width * frame.Height * 3, frame.Pixels.Length);
        int egoRed = 0;
        for (int i = 0; i < frame.Pixels.Length; i += 3)
            if (frame.Pixels[i] == 230 && frame.Pixels[i + 1] == 40 && frame.Pixels[i + 2] == 40) egoRed++;
        Assert.InRange(egoRed, 4, 200);
    }
}

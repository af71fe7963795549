using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Driving;

namespace Qail.Envs.Tests.Driving;

public class TownTests
{
    [Property(MaxTest = 20)]
    public Property Lane_graph_is_connected_end_to_end(int seed, bool newTown)
    {
        var town = (newTown ? TownFamily.New : TownFamily.Train).Generate(seed);
        bool ok = true;
        foreach (var edge in town.Edges)
        {
            ok &= edge.IsConnector ? edge.Successors.Count == 1 : edge.Successors.Count >= 1;
            foreach (int next in edge.Successors)
            {
                var successor = town.Edges[next];
                ok &= successor.IsConnector != edge.IsConnector;
                ok &= (successor.Path.PointAt(0) - edge.Path.PointAt(edge.Path.Length)).Length < 1e-6;
                // chords of the arcs
                ok &= Math.Abs(Headings.Difference(successor.Path.HeadingAt(0),
                    edge.Path.HeadingAt(edge.Path.Length))) < 0.1;
            }
            // Every lane centre lies on pavement.
            for (double s = 0; s <= edge.Path.Length; s += 2) ok &= town.Sample(edge.Path.PointAt(s), 0).Paved;
        }
        return ok.ToProperty();
    }

    [Property(MaxTest = 20)]
    public Property Crossing_approaches_never_share_a_non_red_light(int seed, bool newTown)
    {
        var town = (newTown ? TownFamily.New : TownFamily.Train).Generate(seed);
        bool ok = true;
        for (int k = 0; k < town.IntersectionCount; k++)
            for (double t = 0; t < 60; t += 0.25)
                for (int d = 0; d < 4; d++)
                {
                    bool go = town.Light(k, d, t) != TrafficLightState.Red;
                    bool crossingGo = town.Light(k, (d + 1) % 4, t) != TrafficLightState.Red;
                    ok &= !(go && crossingGo && town.IsLit(k));
                }
        return ok.ToProperty();
    }

    [Fact]
    public void Families_differ_as_documented()
    {
        int tJunctions = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var train = TownFamily.Train.Generate(seed);
            Assert.Equal(9, train.IntersectionCount);
            for (int i = 1; i < 3; i++)
                Assert.InRange(train.Columns[i] - train.Columns[i - 1], 70, 90);
            var fresh = TownFamily.New.Generate(seed);
            Assert.InRange(fresh.IntersectionCount, 9, 16);
            for (int k = 0; k < fresh.IntersectionCount; k++) Assert.InRange(fresh.ArmCount(k), 2, 4);
            tJunctions += Enumerable.Range(0, fresh.IntersectionCount).Count(k =>
                fresh.ArmCount(k) == 3 && k % fresh.Columns.Length is > 0 and var c && c < fresh.Columns.Length - 1
                && k / fresh.Columns.Length is > 0 and var r && r < fresh.Rows.Length - 1);
        }
        Assert.True(tJunctions > 0, "new towns should contain interior T-junctions from removed segments");
    }

    [Property(MaxTest = 30)]
    public Property Planned_route_crosses_three_intersections_along_the_lane_graph(int seed, bool newTown)
    {
        var town = (newTown ? TownFamily.New : TownFamily.Train).Generate(seed);
        var route = RoutePlanner.Plan(town, new SplitMix64((ulong)seed), 3);
        bool ok = route.Junctions.Count == 3 && route.Edges.Count == 7;
        for (int i = 1; i < route.Edges.Count; i++)
            ok &= town.Edges[route.Edges[i - 1]].Successors.Contains(route.Edges[i]);
        ok &= route.Path.Length is > 100 and < 500;
        ok &= route.CommandAt(0) == DrivingCommand.Follow;
        foreach (var j in route.Junctions)
        {
            ok &= route.CommandAt(j.StopLine - 1) == j.Turn && route.CommandAt((j.StopLine + j.Exit) / 2) == j.Turn;
            ok &= j.Turn != DrivingCommand.Follow;
        }
        return ok.ToProperty();
    }
}

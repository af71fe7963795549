using FsCheck.Xunit;
using Qail.Envs.Manipulation;

namespace Qail.Envs.Tests.Manipulation;

public sealed class TabletopPhysicsTests
{
    private const double Tol = 1e-9;

    // Drives the gripper to (x, y, z) in bounded steps, keeping the jaw command.
    private static void MoveTo(Tabletop t, double x, double y, double z, bool close)
    {
        for (int i = 0; i < 100; i++)
        {
            double dx = Math.Clamp(x - t.GripperX, -0.03, 0.03), dy = Math.Clamp(y - t.GripperY, -0.03, 0.03),
                dz = Math.Clamp(z - t.GripperZ, -0.03, 0.03);
            if (Math.Abs(dx) < 1e-12 && Math.Abs(dy) < 1e-12 && Math.Abs(dz) < 1e-12) return;
            t.Step(dx, dy, dz, close);
        }
    }

    private static void Grasp(Tabletop t, int index)
    {
        var o = t.Objects[index];
        MoveTo(t, o.X, o.Y, 0.15, close: false);
        MoveTo(t, o.X, o.Y, o.Base + o.Height / 2, close: false);
        t.Step(0, 0, 0, close: true);
    }

    [Property(MaxTest = 40)]
    public void GraspedObjectFollowsTheGripper(int seed)
    {
        var rng = SplitMix64.Derive(seed, 1);
        var t = new Tabletop(0, -0.2, 0.15);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, rng.Uniform(-0.2, 0.2), rng.Uniform(-0.2, 0.2));
        Grasp(t, block);
        Assert.Equal(block, t.Held);
        var o = t.Objects[block];
        Assert.Equal(Tabletop.InGripper, o.Support);
        var (ox, oy, oz) = t.HeldOffset;
        for (int step = 0; step < 60; step++)
        {
            t.Step(rng.Uniform(-0.03, 0.03), rng.Uniform(-0.03, 0.03), rng.Uniform(-0.03, 0.03), close: true);
            Assert.Equal(block, t.Held);
            Assert.Equal(t.GripperX + ox, o.X, 1e-12);
            Assert.Equal(t.GripperY + oy, o.Y, 1e-12);
            Assert.Equal(t.GripperZ - oz, o.Base, 1e-12);
            Assert.True(o.Base >= -Tol, $"held block went through the table: base {o.Base}");
        }
    }

    [Property(MaxTest = 30)]
    public void BlockReleasedOverABowlEndsInTheBowl(int seed)
    {
        var rng = SplitMix64.Derive(seed, 2);
        var t = new Tabletop(0, -0.2, 0.15);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, -0.15, rng.Uniform(-0.2, 0.2));
        int bowl = t.Add(ObjectKind.Bowl, ObjectColour.Blue, 0.15, rng.Uniform(-0.2, 0.2));
        Grasp(t, block);
        var b = t.Objects[bowl];
        // Anywhere within the bowl's floor, from any height above its rim.
        double r = rng.Uniform(0, b.InnerRadius - t.Objects[block].Radius), angle = rng.Uniform(0, 2 * Math.PI);
        MoveTo(t, b.X + r * Math.Cos(angle), b.Y + r * Math.Sin(angle), rng.Uniform(0.1, 0.25), close: true);
        t.Step(0, 0, 0, close: false);
        var o = t.Objects[block];
        Assert.Equal(-1, t.Held);
        Assert.Equal(bowl, o.Support);
        Assert.Equal(b.Base + b.FloorHeight, o.Base, 1e-12);
        Assert.True(new TaskGoal(GoalRelation.In, block, bowl).IsSatisfiedBy(t));
    }

    [Fact]
    public void ReleasedObjectsStackAndFallToTheTable()
    {
        var t = new Tabletop(0, -0.2, 0.15);
        int red = t.Add(ObjectKind.Block, ObjectColour.Red, -0.1, 0);
        int green = t.Add(ObjectKind.Block, ObjectColour.Green, 0.1, 0);
        Grasp(t, red);
        MoveTo(t, 0.1, 0.005, 0.15, close: true);
        t.Step(0, 0, 0, close: false);
        Assert.Equal(green, t.Objects[red].Support);
        Assert.Equal(t.Objects[green].Top, t.Objects[red].Base, 1e-12);
        Assert.True(new TaskGoal(GoalRelation.Stack, red, green).IsSatisfiedBy(t));

        // Lifting the bottom block carries the one on it; releasing both over bare table drops them there.
        Grasp(t, green);
        Assert.Equal(green, t.Held);
        MoveTo(t, -0.2, -0.2, 0.2, close: true);
        Assert.Equal(t.Objects[green].X, t.Objects[red].X, 1e-12);
        Assert.Equal(t.Objects[green].Y + 0.005, t.Objects[red].Y, 1e-12);
        Assert.Equal(t.Objects[green].Top, t.Objects[red].Base, 1e-12);
        t.Step(0, 0, 0, close: false);
        Assert.Equal(0.0, t.Objects[green].Base, 1e-12);
        Assert.Equal(Tabletop.OnTable, t.Objects[green].Support);
        Assert.Equal(green, t.Objects[red].Support);
        Assert.Equal(t.Objects[green].Top, t.Objects[red].Base, 1e-12);
    }

    [Fact]
    public void ClosedGripperAtTableHeightPushesAnObjectAndWhatRestsOnIt()
    {
        var t = new Tabletop(-0.15, 0, 0.15);
        int plate = t.Add(ObjectKind.Plate, ObjectColour.White, 0, 0);
        int block = t.Add(ObjectKind.Block, ObjectColour.Red, 0.01, 0.01);
        Assert.Equal(plate, t.Objects[block].Support);
        MoveTo(t, -0.15, 0, 0.005, close: true);
        for (int i = 0; i < 5; i++) t.Step(0.02, 0, 0, close: true);
        var p = t.Objects[plate];
        // The gripper travelled 0.1 m from x = -0.15; the plate's edge stays at its fingertips.
        Assert.Equal(-0.05 + p.Radius + Tabletop.GripperRadius, p.X, 1e-9);
        Assert.Equal(0, p.Y, 1e-12);
        Assert.Equal(p.X + 0.01, t.Objects[block].X, 1e-9);
        Assert.Equal(plate, t.Objects[block].Support);

        // An open gripper, or one above the object's top, passes without pushing.
        double x = p.X;
        MoveTo(t, -0.15, 0, 0.1, close: true);
        for (int i = 0; i < 10; i++) t.Step(0.03, 0, 0, close: true);
        Assert.Equal(x, t.Objects[plate].X);
    }

    [Theory]
    [InlineData(ObjectKind.Bowl, 0.0)]
    [InlineData(ObjectKind.Block, 0.01)]
    [InlineData(ObjectKind.Plate, 0.06)]
    public void ClosedGripperComingDownLandsOnTopWithoutMovingTheObject(ObjectKind kind, double offset)
    {
        var t = new Tabletop(0.1, 0.1, 0.2);
        int i = t.Add(kind, ObjectColour.Blue, 0.1 + offset, 0.1);
        for (int step = 0; step < 10; step++) t.Step(0, 0, -0.03, close: true);
        var o = t.Objects[i];
        Assert.Equal(o.Top, t.GripperZ, 1e-12);
        Assert.Equal((0.1 + offset, 0.1), (o.X, o.Y));
        Assert.Equal(-1, t.Held);
    }

    [Property(MaxTest = 30)]
    public void PushingNeverLeavesFootprintsOverlappingOrOffTheTable(int seed)
    {
        var rng = SplitMix64.Derive(seed, 3);
        var t = new Tabletop(0, 0, 0.15);
        ObjectKind[] kinds = [ObjectKind.Block, ObjectKind.Cylinder, ObjectKind.Bowl, ObjectKind.Plate];
        var placed = new List<(double X, double Y, double R)>();
        for (int tries = 0; placed.Count < 6 && tries < 500; tries++)
        {
            var kind = kinds[rng.NextInt(kinds.Length)];
            double r = new TabletopObject(kind, ObjectColour.Red).Radius, limit = Tabletop.HalfSize - r;
            double x = rng.Uniform(-limit, limit), y = rng.Uniform(-limit, limit);
            // Keep the gripper's way down at the centre free, so that the sweeps start at fingertip height.
            if (Math.Sqrt(x * x + y * y) < r + Tabletop.GripperRadius) continue;
            if (placed.Any(p => Math.Sqrt((p.X - x) * (p.X - x) + (p.Y - y) * (p.Y - y)) < p.R + r)) continue;
            placed.Add((x, y, r));
            t.Add(kind, ObjectColour.Red, x, y);
        }
        var start = t.Objects.Select(o => (o.X, o.Y)).ToArray();
        MoveTo(t, 0, 0, 0.005, close: true);
        double aimX = 0, aimY = 0;
        for (int step = 0; step < 150; step++)
        {
            // Sweep at fingertip height through a random object, or towards a random point on the rim, every 15 steps.
            if (step % 15 == 0)
            {
                int k = rng.NextInt(t.Objects.Count + 1);
                (aimX, aimY) = k < t.Objects.Count ? (t.Objects[k].X, t.Objects[k].Y) : (rng.Uniform(-0.3, 0.3), 0.3);
            }
            double ax = aimX - t.GripperX, ay = aimY - t.GripperY, norm = Math.Max(1e-9, Math.Sqrt(ax * ax + ay * ay));
            t.Step(0.03 * ax / norm + rng.Uniform(-0.005, 0.005), 0.03 * ay / norm + rng.Uniform(-0.005, 0.005), 0,
                close: true);
            var o = t.Objects;
            for (int i = 0; i < o.Count; i++)
            {
                Assert.True(Math.Abs(o[i].X) <= Tabletop.HalfSize - o[i].Radius + 1e-6
                    && Math.Abs(o[i].Y) <= Tabletop.HalfSize - o[i].Radius + 1e-6,
                    $"step {step}: object {i} at ({o[i].X}, {o[i].Y}) is off the table");
                if (o[i].Support != Tabletop.OnTable) continue;
                double dg = Math.Sqrt((o[i].X - t.GripperX) * (o[i].X - t.GripperX)
                    + (o[i].Y - t.GripperY) * (o[i].Y - t.GripperY));
                Assert.True(dg >= o[i].Radius + Tabletop.GripperRadius - 1e-6,
                    $"step {step}: gripper inside object {i} (distance {dg})");
                for (int j = i + 1; j < o.Count; j++)
                    if (o[j].Support == Tabletop.OnTable)
                        Assert.True(t.Distance(i, j) >= o[i].Radius + o[j].Radius - 1e-6,
                            $"step {step}: objects {i} and {j} overlap (distance {t.Distance(i, j)}, radii "
                            + $"{o[i].Radius} + {o[j].Radius})");
            }
        }
        Assert.Contains(Enumerable.Range(0, start.Length), i => (t.Objects[i].X, t.Objects[i].Y) != start[i]);
    }

    [Fact]
    public void GripperStaysInTheWorkspaceAndAboveTheTable()
    {
        var t = new Tabletop(0, 0, 0.15);
        for (int i = 0; i < 30; i++) t.Step(-0.03, 0.03, -0.03, close: false);
        Assert.Equal(-Tabletop.HalfSize, t.GripperX);
        Assert.Equal(Tabletop.HalfSize, t.GripperY);
        Assert.Equal(0.0, t.GripperZ);
        for (int i = 0; i < 30; i++) t.Step(0, 0, 0.03, close: false);
        Assert.Equal(Tabletop.MaxHeight, t.GripperZ);
    }

    [Fact]
    public void AddRejectsPositionsOffTheTable()
    {
        var t = new Tabletop(0, 0, 0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Add(ObjectKind.Bowl, ObjectColour.Blue, 0.29, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Add(ObjectKind.Block, ObjectColour.Blue, double.NaN, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tabletop(0, 0, -0.01));
        Assert.Throws<ArgumentException>(() => t.Step(double.PositiveInfinity, 0, 0, false));
    }
}

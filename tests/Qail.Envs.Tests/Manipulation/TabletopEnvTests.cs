using FsCheck.Xunit;
using Qail.Envs.Manipulation;

namespace Qail.Envs.Tests.Manipulation;

public sealed class TabletopEnvTests
{
    private static readonly string[] Names = ["libero-spatial", "libero-object", "libero-goal", "libero-long"];

    private static float[] RandomAction(SplitMix64 rng) =>
    [
        (float)rng.Uniform(-0.04, 0.04), (float)rng.Uniform(-0.04, 0.04), (float)rng.Uniform(-0.04, 0.04),
        (float)rng.Uniform(-1, 1),
    ];

    // Everything observable, as bytes, for bit-exact comparisons.
    private static byte[] Bits(Observation o)
    {
        var bytes = new List<byte>();
        foreach (float f in o.State!) bytes.AddRange(BitConverter.GetBytes(f));
        bytes.AddRange(o.Image!);
        foreach (int t in o.Instruction!) bytes.AddRange(BitConverter.GetBytes(t));
        return [.. bytes];
    }

    private static byte[] SceneBits(TabletopEnv env)
    {
        var bytes = new List<byte>();
        var s = env.Scene;
        foreach (double d in new[] { s.GripperX, s.GripperY, s.GripperZ, s.GripperOpen ? 1 : 0, s.Held })
            bytes.AddRange(BitConverter.GetBytes(d));
        foreach (var o in s.Objects)
            foreach (double d in new[] { o.X, o.Y, o.Base, o.Support }) bytes.AddRange(BitConverter.GetBytes(d));
        bytes.AddRange(BitConverter.GetBytes(env.StepCount));
        return [.. bytes];
    }

    [Property(MaxTest = 12)]
    public void SameSeedAndActionsGiveTheSameBits(int seed)
    {
        string name = Names[(int)((uint)seed % Names.Length)];
        var a = Env.Make(name, seed);
        var b = Env.Make(name, seed);
        Assert.Equal(Bits(a.Reset(seed)), Bits(b.Reset(seed)));
        var rng = SplitMix64.Derive(seed, 9);
        var expertA = Expert.For(a);
        var expertB = Expert.For(b);
        for (int step = 0; step < 60; step++)
        {
            // Alternate the expert with random actions so that grasps, pushes and releases all happen.
            float[] action = step % 3 == 2 ? RandomAction(rng) : expertA.Act(a);
            Assert.Equal(action, step % 3 == 2 ? action : expertB.Act(b));
            var ra = a.Step(action);
            var rb = b.Step(action);
            Assert.Equal(Bits(ra.Observation), Bits(rb.Observation));
            Assert.Equal(ra.Reward, rb.Reward);
            Assert.Equal(ra.Done, rb.Done);
            if (ra.Done) break;
        }
        Assert.Equal(a.Render().Pixels, b.Render().Pixels);
    }

    [Fact]
    public void DifferentSeedsGiveDifferentTasksOrLayouts()
    {
        foreach (string name in Names)
        {
            var env = Env.Make(name, 0);
            var images = Enumerable.Range(0, 10).Select(s => Convert.ToHexString(env.Reset(s).Image!)).ToHashSet();
            Assert.Equal(10, images.Count);
        }
    }

    [Fact]
    public void ObservationsMatchTheSpec()
    {
        foreach (string name in Names)
        {
            var env = (TabletopEnv)Env.Make(name, 3);
            var spec = env.Spec;
            var o = env.Reset(3);
            Assert.Equal(name, env.Name);
            Assert.Equal(TabletopEnv.StateSize, spec.StateSize);
            Assert.Equal(spec.StateSize, o.State!.Length);
            Assert.Equal(new ImageSpec(64, 64, 3), spec.Image);
            Assert.Equal(64 * 64 * 3, o.Image!.Length);
            Assert.Equal(spec.Instruction!.Length, o.Instruction!.Length);
            Assert.Equal(env.Task.Instruction, InstructionVocabulary.Detokenize(o.Instruction));
            Assert.Equal(4, spec.Action.Size);
            Assert.Equal(256, spec.Action.Bins);
            Assert.Null(o.Command);
            Assert.Equal([(float)env.Scene.GripperX, (float)env.Scene.GripperY, (float)env.Scene.GripperZ, 1f, 0f],
                o.State);
            var frame = env.Render();
            Assert.Equal((TabletopEnv.RenderSize, TabletopEnv.RenderSize), (frame.Height, frame.Width));
            Assert.Equal(frame.Height * frame.Width * 3, frame.Pixels.Length);
            Assert.IsType<TabletopExpert>(Expert.For(env));
        }
        Assert.All(Names, n => Assert.Contains(n, Env.Names));
    }

    [Fact]
    public void FixedTaskIndexIsUsedForEverySeed()
    {
        var env = new TabletopEnv(LiberoSuite.Goal, taskIndex: 7);
        for (int seed = -3; seed < 5; seed++)
        {
            env.Reset(seed);
            Assert.Equal(7, env.TaskIndex);
            Assert.Same(LiberoTasks.Of(LiberoSuite.Goal)[7], env.Task);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new TabletopEnv(LiberoSuite.Goal, taskIndex: 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TabletopEnv(LiberoSuite.Goal, taskIndex: -1));
    }

    [Fact]
    public void EpisodeTruncatesAtMaxStepsWithoutSuccess()
    {
        var env = Env.Make("libero-object", 5);
        StepResult r;
        int steps = 0;
        do
        {
            r = env.Step([0, 0, 0.03f, -1]);
            steps++;
        } while (!r.Done);
        Assert.Equal(env.Spec.MaxSteps, steps);
        Assert.True(r.Truncated);
        Assert.False(r.Terminated);
        Assert.False(r.Info.Success);
        Assert.Equal(0.0, r.Reward);
    }

    [Fact]
    public void SuccessTerminatesWithRewardOne()
    {
        var env = Env.Make("libero-long", 8);
        var expert = Expert.For(env);
        StepResult r;
        double total = 0;
        do
        {
            r = env.Step(expert.Act(env));
            total += r.Reward;
        } while (!r.Done);
        Assert.True(r.Terminated && r.Info.Success && !r.Truncated);
        Assert.Equal(1.0, total);
        Assert.Equal(r.Info.Metrics["goals"], r.Info.Metrics["goals_done"]);
    }

    [Property(MaxTest = 20)]
    public void BadActionsAreRejectedAndLeaveTheStateUnchanged(int seed)
    {
        var env = (TabletopEnv)Env.Make(Names[(int)((uint)seed % Names.Length)], seed);
        var rng = SplitMix64.Derive(seed, 4);
        for (int i = 0; i < rng.NextInt(20); i++) env.Step(RandomAction(rng));
        byte[] before = SceneBits(env), observed = Bits(env.Observe());
        float[] good = RandomAction(rng);
        float[][] bad =
        [
            [], good[..3], [.. good, 0f],
            [float.NaN, good[1], good[2], good[3]], [good[0], float.PositiveInfinity, good[2], good[3]],
            [good[0], good[1], good[2], float.NegativeInfinity],
        ];
        foreach (var action in bad)
        {
            Assert.Throws<ArgumentException>(() => env.Step(action));
            Assert.Equal(before, SceneBits(env));
            Assert.Equal(observed, Bits(env.Observe()));
        }
    }

    [Fact]
    public void StepAfterTheEndOrBeforeResetIsRefused()
    {
        var env = (TabletopEnv)Env.Make("libero-goal", 1);
        var expert = Expert.For(env);
        while (!env.Step(expert.Act(env)).Done) { }
        byte[] before = SceneBits(env);
        Assert.Throws<InvalidOperationException>(() => env.Step([0, 0, 0, 1]));
        Assert.Equal(before, SceneBits(env));
        Assert.Throws<InvalidOperationException>(() => new TabletopEnv(LiberoSuite.Spatial).Step([0, 0, 0, 1]));
        Assert.Throws<ArgumentException>(() => expert.Act(Env.Make("libero-goal", 1)));
    }

    [Fact]
    public void OversizedMotionSaturatesAtTheArmSpeedLimit()
    {
        var a = (TabletopEnv)Env.Make("libero-spatial", 2);
        var b = (TabletopEnv)Env.Make("libero-spatial", 2);
        a.Step([1f, -1f, 0.5f, -1f]);
        b.Step([TabletopEnv.MaxStepMetres, -TabletopEnv.MaxStepMetres, TabletopEnv.MaxStepMetres, -1f]);
        Assert.Equal(SceneBits(a), SceneBits(b));
    }
}

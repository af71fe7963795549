using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Physics;
using Qail.Envs.Tests.Core;

namespace Qail.Envs.Tests.Physics;

public class PhysicsEnvTests
{
    private static float[][] RandomActions(int count, int size, int seed)
    {
        var rng = new SplitMix64((ulong)seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, size).Select(_ => (float)rng.Uniform(-1.5, 1.5)).ToArray()).ToArray();
    }

    [Property(MaxTest = 20)]
    public Property Same_seed_and_actions_give_the_same_bits(NonNegativeInt seed, NonNegativeInt which)
    {
        string name = RegistryTests.PhysicsNames[which.Get % RegistryTests.PhysicsNames.Length];
        var a = Env.Make(name, seed.Get);
        var b = Env.Make(name, seed.Get);
        foreach (var action in RandomActions(60, a.Spec.Action.Size, seed.Get))
        {
            var ra = a.Step(action);
            var rb = b.Step(action);
            if (!ra.Observation.State!.SequenceEqual(rb.Observation.State!)
                || BitConverter.DoubleToInt64Bits(ra.Reward) != BitConverter.DoubleToInt64Bits(rb.Reward))
                return false.Label($"{name} diverged");
        }
        return true.ToProperty();
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_actions_are_rejected_and_leave_the_state_unchanged(string name)
    {
        var env = (PhysicsEnv)Env.Make(name, 4);
        var twin = (PhysicsEnv)Env.Make(name, 4);
        int size = env.Spec.Action.Size;
        var good = new float[size];
        good[0] = 0.3f;
        env.Step(good);
        twin.Step(good);
        var before = env.PhysicalState.ToArray();
        Assert.Throws<ArgumentException>(() => env.Step(new float[size + 1]));
        Assert.Throws<ArgumentException>(() => env.Step(ReadOnlySpan<float>.Empty));
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            var action = new float[size];
            action[size - 1] = bad;
            var e = Assert.Throws<ArgumentException>(() => env.Step(action));
            Assert.Contains(name, e.Message);
        }
        Assert.Equal(before, env.PhysicalState.ToArray());
        Assert.Equal(1, env.StepCount);
        Assert.Equal(twin.Step(good).Observation.State, env.Step(good).Observation.State);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Episodes_last_1000_steps_with_rewards_in_unit_range_then_refuse_steps(string name)
    {
        var env = (PhysicsEnv)Env.Make(name, 8);
        var actions = RandomActions(PhysicsEnv.EpisodeSteps, env.Spec.Action.Size, 8);
        StepResult? last = null;
        for (int t = 0; t < PhysicsEnv.EpisodeSteps; t++)
        {
            Assert.False(last?.Done ?? false);
            last = env.Step(actions[t]);
            Assert.InRange(last.Reward, 0.0, 1.0);
            Assert.Equal(env.Spec.StateSize, last.Observation.State!.Length);
            Assert.All(last.Observation.State, v => Assert.True(float.IsFinite(v)));
        }
        Assert.True(last!.Truncated);
        Assert.False(last.Terminated);
        var state = env.PhysicalState.ToArray();
        Assert.Throws<InvalidOperationException>(() => env.Step(actions[0]));
        Assert.Equal(state, env.PhysicalState.ToArray());
        env.Reset(1);
        env.Step(actions[0]);
        Assert.Equal(1, env.StepCount);
    }

    [Fact]
    public void Step_before_reset_is_refused()
    {
        Assert.Throws<InvalidOperationException>(() => new PointMass().Step(new float[2]));
    }

    [Fact]
    public void Out_of_range_actions_saturate_at_the_actuator_limit()
    {
        var a = (PhysicsEnv)Env.Make("cartpole-balance", 2);
        var b = (PhysicsEnv)Env.Make("cartpole-balance", 2);
        Assert.Equal(a.Step([5f]).Observation.State, b.Step([1f]).Observation.State);
        Assert.Equal(1.0, a.LastControl[0]);
    }

    public static TheoryData<string> Names() => new(RegistryTests.PhysicsNames);
}

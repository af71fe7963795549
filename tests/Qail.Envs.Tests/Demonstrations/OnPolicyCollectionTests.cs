using Qail.Envs.Physics;

namespace Qail.Envs.Tests.Demonstrations;

/// <summary>
/// DAgger's data: the learner drives, the expert labels; episodes continue a collection's seed stream; sets join.
/// </summary>
public class OnPolicyCollectionTests
{
    // A learner that pushes one way, whatever it sees: far from the expert, so labels and executed actions differ.
    private static Func<Func<Observation, float[]>> Constant(float action) => () => _ => [action];

    [Fact]
    public void The_learner_drives_and_the_expert_labels_every_visited_state()
    {
        var set = Qail.Envs.Demonstrations.CollectOnPolicy(() => Env.Make("cartpole-balance", 0), Expert.For,
            Constant(0.7f), episodes: 2, seed: 9, firstIndex: 5);
        Assert.Equal(2, set.Episodes);
        Assert.All(set.ExecutedActions, a => Assert.Equal(0.7f, a));
        Assert.NotEqual(set.Actions, set.ExecutedActions);
        Assert.Equal(0, set.ActionNoise);
        for (int e = 0; e < 2; e++)
        {
            // Episode e resets from the stream's index firstIndex + e; replaying the learner's actions reproduces the
            // states, and the expert at each state gives the label.
            var env = (PhysicsEnv)Env.Make("cartpole-balance", Qail.Envs.Demonstrations.EpisodeSeed(9, 5 + e));
            var expert = Expert.For(env);
            for (long t = set.EpisodeOffsets[e]; t < set.EpisodeOffsets[e + 1]; t++)
            {
                Assert.Equal(set.States.AsSpan((int)t * 5, 5).ToArray(), env.Observe(env.PhysicalState));
                Assert.Equal(set.Actions[t], expert.Act(env)[0]);
                Assert.Equal(set.Rewards[t], (float)env.Step([0.7f]).Reward);
            }
        }
    }

    [Fact]
    public void On_policy_collection_is_identical_whatever_the_thread_count()
    {
        var one = Qail.Envs.Demonstrations.CollectOnPolicy(() => Env.Make("pendulum-swingup", 0), Expert.For,
            Constant(-0.3f), episodes: 3, seed: 4, firstIndex: 0, maxDegreeOfParallelism: 1);
        var many = Qail.Envs.Demonstrations.CollectOnPolicy(() => Env.Make("pendulum-swingup", 0), Expert.For,
            Constant(-0.3f), episodes: 3, seed: 4, firstIndex: 0, maxDegreeOfParallelism: 3);
        Assert.Equal(one.ToBytes(), many.ToBytes());
        // Index 0 of the stream is the expert collection's first episode: the same initial state.
        var expert = Qail.Envs.Demonstrations.Collect("pendulum-swingup", episodes: 1, seed: 4);
        Assert.Equal(expert.States.AsSpan(0, expert.StateSize).ToArray(),
            one.States.AsSpan(0, one.StateSize).ToArray());
    }

    [Fact]
    public void Concat_joins_episodes_in_order_and_round_trips()
    {
        var a = Qail.Envs.Demonstrations.Collect("point-mass", episodes: 2, seed: 1, actionNoise: 0.1);
        var b = Qail.Envs.Demonstrations.CollectOnPolicy(() => Env.Make("point-mass", 0), Expert.For,
            () => _ => [0.1f, -0.1f], episodes: 1, seed: 1, firstIndex: 2);
        var joined = Qail.Envs.Demonstrations.Concat([b, a]);
        Assert.Equal(3, joined.Episodes);
        Assert.Equal(a.Steps + b.Steps, joined.Steps);
        Assert.Equal([0, b.Steps, b.Steps + a.EpisodeOffsets[1], b.Steps + a.Steps], joined.EpisodeOffsets);
        Assert.Equal(b.States!.Concat(a.States!), joined.States!);
        Assert.Equal(b.Actions.Concat(a.Actions), joined.Actions);
        Assert.Equal(b.ExecutedActions.Concat(a.ExecutedActions), joined.ExecutedActions);
        Assert.Equal(b.Rewards.Concat(a.Rewards), joined.Rewards);
        Assert.Equal(b.Successes.Concat(a.Successes), joined.Successes);
        Assert.Equal((b.Seed, b.ActionNoise), (joined.Seed, joined.ActionNoise));
        Assert.Equal(joined.ToBytes(), Qail.Envs.Demonstrations.FromBytes(joined.ToBytes()).ToBytes());
        Assert.Equal(a.ToBytes(), Qail.Envs.Demonstrations.Concat([a]).ToBytes());
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var a = Qail.Envs.Demonstrations.Collect("point-mass", episodes: 1, seed: 1);
        var other = Qail.Envs.Demonstrations.Collect("cartpole-balance", episodes: 1, seed: 1);
        var e = Assert.Throws<ArgumentException>(() => Qail.Envs.Demonstrations.Concat([a, other]));
        Assert.StartsWith("Demonstrations.Concat: part 1 (cartpole-balance) does not have part 0's (point-mass)",
            e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Qail.Envs.Demonstrations.Concat([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Qail.Envs.Demonstrations.CollectOnPolicy(
            () => Env.Make("point-mass", 0), Expert.For, Constant(0), episodes: 1, seed: 1, firstIndex: -1));
        Assert.ThrowsAny<ArgumentException>(() => Qail.Envs.Demonstrations.CollectOnPolicy(
            () => Env.Make("point-mass", 0), Expert.For, Constant(0), episodes: 0, seed: 1, firstIndex: 0));
    }
}

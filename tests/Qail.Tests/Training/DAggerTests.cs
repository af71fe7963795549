using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Training;

namespace Qail.Tests.Training;

/// <summary>
/// DAgger: round 0 is behaviour cloning; each round adds the previous policy's episodes labelled by the expert in
/// front of the demonstrations (whose tail stays held out); the round with the best validation return is kept.
/// </summary>
public sealed class DAggerTests
{
    private const string Task = "pendulum-swingup";
    private static readonly TrainOptions Training = new()
    {
        Epochs = 2, ValidationFraction = 0.25, Patience = 1, MinEpochs = 1, Seed = 3,
    };

    private static PolicyNetwork Create()
    {
        var spec = Env.Lookup(Task).Create().Spec;
        return PolicyFactory.Create(PolicyFactory.FamilyFor(spec), spec, [16, 16], seed: 2);
    }

    private static DAgger.Result Run(Demonstrations demos, Func<PolicyNetwork, double> validation, int rounds = 2) =>
        DAgger.Train(Create, demos, Env.Lookup(Task).Create, Env.Lookup(Task).Expert, rounds, episodesPerRound: 1,
            Training, validation);

    [Fact]
    public void Rounds_add_the_previous_policys_episodes_labelled_by_the_expert_before_the_demonstrations()
    {
        var demos = Demonstrations.Collect(Task, episodes: 4, seed: 7, actionNoise: 0.1);
        // Scores rising round by round: the last round is kept.
        int calls = 0;
        var result = Run(demos, _ => ++calls);
        Assert.Equal([0, 1, 2], result.Rounds.Select(r => r.Index));
        Assert.Equal([4, 5, 6], result.Rounds.Select(r => r.Episodes));
        Assert.Equal(2, result.ChosenRound);
        Assert.Equal(6, result.Data.Episodes);
        Assert.True(double.IsNaN(result.Rounds[0].RolloutReturn));

        // The demonstrations come last, bit for bit, so their own last episode is the held-out tail.
        int tail = demos.Steps * demos.StateSize;
        Assert.Equal(demos.States!, result.Data.States![^tail..]);
        Assert.Equal(demos.Actions, result.Data.Actions[^demos.Actions.Length..]);

        // The first added episode resets from the stream's index 4 and is driven by round 0's policy; its labels are
        // the expert's at the visited states.
        var round0 = Create();
        BehaviourCloning.Train(round0, demos, Training);
        var learner = new EvalModePolicy(round0, "round 0");
        var expected = Demonstrations.CollectOnPolicy(Env.Lookup(Task).Create, Env.Lookup(Task).Expert,
            () => learner.Replicate().Act, episodes: 1, seed: 7, firstIndex: 4);
        Assert.Equal(expected.States!, result.Data.States![..expected.States!.Length]);
        Assert.Equal(expected.Actions, result.Data.Actions[..expected.Actions.Length]);
        Assert.Equal(expected.Rewards.Sum(r => (double)r), result.Rounds[1].RolloutReturn, 9);

        // The same inputs give the same policy.
        calls = 0;
        Assert.Equal(PolicyFingerprint.Of(result.Policy), PolicyFingerprint.Of(Run(demos, _ => ++calls).Policy));
    }

    [Fact]
    public void The_best_validation_round_is_kept_and_ties_keep_the_earlier_round()
    {
        var demos = Demonstrations.Collect(Task, episodes: 4, seed: 7);
        var scores = new Queue<double>([1.0, 5.0, 5.0]);
        var result = Run(demos, _ => scores.Dequeue());
        Assert.Equal(1, result.ChosenRound);
        Assert.Equal(5, result.Data.Episodes);
        Assert.Equal(3, result.Rounds.Count);
        Assert.Equal(result.Rounds[1].Training, result.Training);

        // No rounds: plain behaviour cloning.
        var plain = Create();
        BehaviourCloning.Train(plain, demos, Training);
        var none = Run(demos, _ => 0, rounds: 0);
        Assert.Equal(PolicyFingerprint.Of(plain), PolicyFingerprint.Of(none.Policy));
        Assert.Equal(demos.ToBytes(), none.Data.ToBytes());
    }

    [Fact]
    public void Cached_rounds_give_the_same_result_and_a_rerun_finds_every_round_in_the_cache()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"qail-dagger-test-{Guid.NewGuid():N}");
        try
        {
            var demos = Demonstrations.Collect(Task, episodes: 4, seed: 7, actionNoise: 0.1);
            DAgger.Result Cached(DAgger.RoundCollector collect)
            {
                int calls = 0;
                return DAgger.Train(Create, demos, Env.Lookup(Task).Create, Env.Lookup(Task).Expert, rounds: 2,
                    episodesPerRound: 1, Training, _ => ++calls, collect: collect);
            }
            int plainCalls = 0;
            var plain = Run(demos, _ => ++plainCalls);
            var first = Cached(DAgger.Cached(Task, directory));
            Assert.Equal(PolicyFingerprint.Of(plain.Policy), PolicyFingerprint.Of(first.Policy));
            Assert.Equal(plain.Data.ToBytes(), first.Data.ToBytes());
            Assert.Equal(2, Directory.GetFiles(directory).Length);
            Assert.Empty(Directory.GetDirectories(directory));

            // Training is seeded, so a rerun's learners have the same weights and their rounds are cache hits.
            var hits = new List<bool>();
            var rerun = Cached((learner, episodes, seed, firstIndex) =>
            {
                var set = DemonstrationCache.GetOrCollectOnPolicy(Task, PolicyFingerprint.Of(learner.Network),
                    () => learner.Replicate().Act, episodes, seed, firstIndex, directory, out bool hit);
                hits.Add(hit);
                return set;
            });
            Assert.Equal([true, true], hits);
            Assert.Equal(first.Data.ToBytes(), rerun.Data.ToBytes());
            Assert.Null(DAgger.CachedForPlanners(Task));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Rounds_that_would_outgrow_the_held_out_demonstrations_are_refused()
    {
        DAgger.CheckRounds(4, 10, 40, 0.1);
        var e = Assert.Throws<ArgumentException>(() => DAgger.CheckRounds(4, 100, 40, 0.1));
        Assert.StartsWith("DAgger: 4 rounds of 100 episodes outgrow the 40 demonstrations", e.Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DAgger.CheckRounds(1, 1, 40, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DAgger.CheckRounds(-1, 1, 40, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => DAgger.CheckRounds(1, 0, 40, 0.1));
        DAgger.CheckRounds(0, 1, 1, 0);
    }
}

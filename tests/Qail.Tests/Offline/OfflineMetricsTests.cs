using Qail.Envs;
using Qail.Evaluation;
using Qail.Offline;
using Qail.Policies;
using Qail.Training;

namespace Qail.Tests.Offline;

/// <summary>
/// A user's own data and simulator, no built-in env: demonstrations built from arrays, split by episode, a policy
/// trained on them, its held-out action error per dimension, then closed loop through the user's <see cref="IEnv"/>.
/// </summary>
public sealed class OfflineMetricsTests
{
    private static Demonstrations Record(int episodes)
    {
        var sim = new PointMassSimulator();
        var states = new List<float>();
        var actions = new List<float>();
        var offsets = new List<long> { 0 };
        for (int e = 0; e < episodes; e++)
        {
            var o = sim.Reset(seed: 100 + e);
            for (int t = 0; t < 40; t++)
            {
                float a = PointMassSimulator.Expert(o);
                states.AddRange(o.State!);
                actions.Add(a);
                o = sim.Step([a]).Observation;
            }
            offsets.Add(actions.Count);
        }
        return Demonstrations.FromArrays("point-mass logs", 1, [.. actions], [.. offsets], stateSize: 2,
            states: [.. states]);
    }

    [Fact]
    public void TrainedOnUserArraysItImitatesHeldOutEpisodesAndDrivesTheUsersSimulator()
    {
        var demos = Record(episodes: 30);
        var (train, heldOut) = OfflineMetrics.SplitEpisodes(demos, 0.2, seed: 7);
        Assert.Equal(24, train.Episodes);
        Assert.Equal(6, heldOut.Episodes);
        var sim = new PointMassSimulator();
        var network = new MlpPolicy(sim.Spec, [32, 32], seed: 3);
        BehaviourCloning.Train(network, train,
            new TrainOptions { Epochs = 60, BatchSize = 64, LearningRate = 3e-3, Seed = 4 });
        network.Eval();
        var policy = new EvalModePolicy(network, "FP32");
        var error = OfflineMetrics.Evaluate(policy, heldOut);
        Assert.Equal(heldOut.Steps, error.Steps);
        Assert.True(error.MeanAbsolute[0] < 0.1, $"held-out MAE {error.MeanAbsolute[0]:F3}");
        var zero = OfflineMetrics.Evaluate(new ConstantPolicy(0f), heldOut);
        Assert.True(error.RootMeanSquared[0] < zero.RootMeanSquared[0] / 3,
            $"RMSE {error.RootMeanSquared[0]:F3} vs zero {zero.RootMeanSquared[0]:F3}");
        var outcome = ClosedLoop.RunEpisode(sim, policy, seed: 999);
        Assert.True(outcome.Return > ClosedLoop.RunEpisode(sim, new ConstantPolicy(0f), seed: 999).Return);
    }

    [Fact]
    public void ArraysOfTheWrongLengthAreRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Demonstrations.FromArrays("logs", 2, [1, 2, 3, 4], [0, 2], stateSize: 3, states: [1, 2, 3, 4, 5]));
        Assert.Contains("states has 5 values; 2 steps of width 3 need 6", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Demonstrations.FromArrays("logs", 1, [1, 2], [0, 2, 2]));
        Assert.Throws<ArgumentException>(() => Demonstrations.FromArrays("logs", 1, [1, float.NaN], [0, 2]));
    }

    private sealed class ConstantPolicy(float value) : IPolicy
    {
        public string Label => "constant";

        public float[] Act(Observation observation) => [value];

        public IPolicy Replicate() => this;
    }
}

using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Quantization;

namespace Qail.Tests.Evaluation;

public class LockstepEvaluationTests
{
    // Hides IBatchPolicy, so ClosedLoop takes the episode-by-episode path.
    private sealed class OneByOne(IPolicy inner) : IPolicy
    {
        public string Label => inner.Label;
        public float[] Act(Observation observation) => inner.Act(observation);
        public IPolicy Replicate() => new OneByOne(inner.Replicate());
    }

    [Theory]
    [InlineData("pendulum-swingup")]
    [InlineData("reacher-easy")]
    public void BatchedLockstepEpisodesEqualEpisodeByEpisode(string envName)
    {
        var spec = Env.Lookup(envName).Create().Spec;
        var fp = PolicyFactory.Create(PolicyFactory.FamilyFor(spec), spec, [48, 40], seed: 3);
        var fpPolicy = new EvalModePolicy(fp, "FP32");
        var fpStates = ClosedLoop.VisitedStates(envName, fpPolicy, 3, 1_000_000, stride: 7);
        Assert.Equal(ClosedLoop.VisitedStates(envName, new OneByOne(fpPolicy), 3, 1_000_000, stride: 7)
            .Select(o => o.State),
            fpStates.Select(o => o.State));
        var student = (PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.Create(4, QuantGranularity.PerChannel, 32, 4),
            seed: 4);
        Quantizer.CalibrateActivations(student, [PolicyBatch.FromObservations(fpStates, spec)],
            b => student.Predict(b));
        var studentPolicy = new EvalModePolicy(student, "W4A4");

        // Five episodes over two and three slices: every field of every episode matches the one-by-one run exactly.
        var expected = ClosedLoop.Evaluate(envName, new OneByOne(studentPolicy), 5, 1_000_000, workers: 2,
            reference: new OneByOne(fpPolicy));
        foreach (int workers in new[] { 2, 3 })
        {
            var batched = ClosedLoop.Evaluate(envName, studentPolicy, 5, 1_000_000, workers, reference: fpPolicy);
            Assert.Equal(expected.Episodes.Select(Fields), batched.Episodes.Select(Fields));
        }
        Assert.All(expected.Episodes, e => Assert.True(e.ActionError > 0));
        Assert.Equal(ClosedLoop.ActionError(new OneByOne(studentPolicy), new OneByOne(fpPolicy), fpStates),
            ClosedLoop.ActionError(studentPolicy, fpPolicy, fpStates));
    }

    [Fact]
    public void ReplicaWithStoredQuantizedWeightsActsBitForBitLikeTheFakeQuantizedNetwork()
    {
        var spec = Env.Lookup("reacher-easy").Create().Spec;
        var fp = PolicyFactory.Create("mlp", spec, [32, 24], seed: 6);
        var student = (PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.Create(3, QuantGranularity.PerChannel, 8, 4),
            seed: 7);
        var observations = Enumerable.Range(0, 12).Select(i => Env.Lookup("reacher-easy").Create().Reset(i))
            .ToArray();
        Quantizer.CalibrateActivations(student, [PolicyBatch.FromObservations(observations, spec)],
            b => student.Predict(b));
        var policy = new EvalModePolicy(student, "W3A4");
        var replica = (EvalModePolicy)policy.Replicate();
        Assert.All(Quantizer.Layers(replica.Network), l => Assert.Null(l.Layer.WeightTransform));
        Assert.NotNull(Quantizer.Layers(student)[0].Layer.WeightTransform);
        Assert.Equal(observations.Select(policy.Act), observations.Select(replica.Act));
        Assert.Equal(policy.ActBatch(observations), replica.ActBatch(observations));
    }

    [Fact]
    public void BatchActionsEqualSingleActions()
    {
        var spec = Env.Lookup("cartpole-swingup").Create().Spec;
        var policy = new EvalModePolicy(PolicyFactory.Create("mlp", spec, [32], seed: 5), "FP32");
        var observations = Enumerable.Range(0, 9).Select(i => Env.Lookup("cartpole-swingup").Create().Reset(i))
            .ToArray();
        var batch = policy.ActBatch(observations);
        Assert.Equal(observations.Select(policy.Act), batch);
    }

    private static (int, double, int, bool, double) Fields(EpisodeOutcome e) =>
        (e.Seed, e.Return, e.Steps, e.Success, e.ActionError);
}

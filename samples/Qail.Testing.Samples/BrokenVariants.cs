using Qail.Deployment;
using Qail.Engine;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Testing.Policies;
using Xunit.Abstractions;

namespace Qail.Testing.Samples;

/// <summary>
/// A deliberately broken variant of each example must fail with a shrunk counterexample (a minimal tensor or a simple
/// observation) and a replay seed that reproduces the same counterexample.
/// </summary>
public class BrokenVariants(ITestOutputHelper output)
{
    [Fact]
    public void WrongSwishBackwardIsCaughtOnASingleSimpleValue()
    {
        var generator = Generators.Tensor(DType.Float64, maxElements: 24);
        void Property(TensorCase x) => GradientAssert.MatchesFiniteDifferences(new BrokenSwish(), x.ToTensor());

        var failure = Assert.Throws<PropertyFailedException>(() => Check.ForAll(generator, Property));
        var minimal = Assert.IsType<TensorCase>(failure.Counterexample);
        Assert.Equal(1, minimal.ElementCount);
        Assert.Contains(Math.Abs(minimal.Values[0]), new[] { 1.0, 2.0, 3.0 });
        Assert.IsType<NumericAssertionException>(failure.InnerException);
        AssertReplays(failure, () => Check.ForAll(generator, Property, new CheckOptions(Replay: failure.ReplaySeed)));
    }

    [Fact]
    public void ForgottenKernelTailIsCaughtOnOneElement()
    {
        var generator = Generators.Tensor(DType.Float32, minRank: 1, maxRank: 1, maxDim: 80);
        void Property(TensorCase c)
        {
            var x = c.ToTensor().ToArray<float>();
            InstructionSetAssert.MatchesReference(LeakyRelu.Reference(x), () => LeakyRelu.Run(x, skipTail: true));
        }

        var failure = Assert.Throws<PropertyFailedException>(() => Check.ForAll(generator, Property));
        var minimal = Assert.IsType<TensorCase>(failure.Counterexample);
        Assert.Equal([1], minimal.Shape);
        Assert.Contains(minimal.Values[0], new[] { 1.0, -1.0 });
        Assert.Contains("path", failure.InnerException!.Message);
        AssertReplays(failure, () => Check.ForAll(generator, Property, new CheckOptions(Replay: failure.ReplaySeed)));
    }

    [Fact]
    public void TwoBitPolicyIsCaughtOnASimpleObservation()
    {
        var env = Env.Make("cartpole-balance", seed: 0);
        var fp = new MlpPolicy(env.Spec, hidden: [32, 32], seed: 1);
        var deployed = Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.WeightOnly(2)))
            .AsPolicy();
        var reference = new EvalModePolicy(fp, "FP32");
        var generator = PolicyGenerators.Observation(env.Spec);
        void Property(Observation o) => PolicyAssert.ActsAlike(reference, deployed, o, env.Spec.Action, bound: 0.02);

        var failure = Assert.Throws<PropertyFailedException>(() => Check.ForAll(generator, Property));
        var minimal = Assert.IsType<Observation>(failure.Counterexample);
        Assert.All(minimal.State!, v => Assert.Equal(Math.Round(v * 2) / 2, v));
        AssertReplays(failure, () => Check.ForAll(generator, Property, new CheckOptions(Replay: failure.ReplaySeed)));
    }

    private void AssertReplays(PropertyFailedException failure, Action replay)
    {
        output.WriteLine(failure.Message);
        Assert.Contains($"QAIL_TEST_REPLAY=0x{failure.ReplaySeed:X16}", failure.Message);
        var again = Assert.Throws<PropertyFailedException>(replay);
        Assert.Equal(failure.CounterexampleDescription, again.CounterexampleDescription);
    }
}

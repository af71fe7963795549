using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Testing.Policies;

namespace Qail.Testing.Tests;

/// <summary>
/// Observation and policy generators fit their specs; policy assertions and round trips catch what they claim to.
/// </summary>
public class PolicyKitTests
{
    private static readonly string[] SpecEnvs = ["cartpole-balance", "libero-spatial", "driving-nocrash-tt"];

    [Fact]
    public void ObservationsAndNetworksFitEveryFamilysSpec()
    {
        foreach (var name in SpecEnvs)
        {
            var spec = Env.Lookup(name).Create().Spec;
            var observations = PolicyGenerators.Observation(spec);
            var network = PolicyGenerators.Network(spec).Generate(CaseRandom.CaseSeed(1, 0));
            Assert.Equal(PolicyFactory.FamilyFor(spec), network.Family);
            var policy = new EvalModePolicy(network.Create(), network.ToString());
            for (int i = 0; i < 3; i++)
            {
                var o = observations.Generate(CaseRandom.CaseSeed(2, i));
                Assert.Equal(spec.StateSize, o.State?.Length ?? 0);
                Assert.Equal(spec.Image is null, o.Image is null);
                Assert.Equal(spec.Instruction is null, o.Instruction is null);
                Assert.Equal(spec.Action.Size, policy.Act(o).Length);
            }
        }
    }

    [Fact]
    public void EveryQuantConfigNameIsValid()
    {
        foreach (var name in PolicyGenerators.QuantConfigNames)
        {
            var config = PolicyGenerators.Config(name);
            config.Validate();
            Assert.Equal(name, config.Label);
        }
        Assert.Contains("W9", Assert.Throws<ArgumentException>(() => PolicyGenerators.QuantConfigs("W9")).Message);
    }

    [Fact]
    public void DeployedPoliciesMatchTheirFakeQuantTwins()
    {
        var spec = Env.Lookup("pendulum-swingup").Create().Spec;
        var cases = Generators.Zip(PolicyGenerators.Network(spec, "mlp"), PolicyGenerators.QuantConfigs("W8", "W4",
            "W4g8"));
        var states = PolicyGenerators.Observation(spec, stateScale: 2);
        Check.ForAll(cases, p =>
        {
            var prepared = (PolicyNetwork)Quantizer.Prepare(p.First.Create(), PolicyGenerators.Config(p.Second));
            var observations = Enumerable.Range(0, 8).Select(i
                => states.Generate(CaseRandom.CaseSeed((ulong)p.First.Seed, i)));
            PolicyAssert.DeployedMatchesFakeQuant(prepared, observations, bound: 1e-4);
        }, new CheckOptions(Cases: 12));
    }

    [Fact]
    public void ClosedLoopErrorsAreBoundedForEightBitsAndNamedForTwo()
    {
        var env = Env.Make("cartpole-balance", seed: 0);
        var fp = new MlpPolicy(env.Spec, [16, 16], seed: 4);
        var reference = new EvalModePolicy(fp, "FP32");
        var w8 = Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.WeightOnly(8))).AsPolicy();
        var errors = PolicyAssert.ClosedLoopActionError(env, w8, reference, seed: 1, steps: 100, bound: 0.02);
        Assert.Equal(100, errors.Length);
        Assert.All(errors, e => Assert.InRange(e, 0, 0.02));

        var w2 = Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.WeightOnly(2))).AsPolicy();
        var ex = Assert.Throws<NumericAssertionException>(() => PolicyAssert.ClosedLoopActionError(env, w2, reference,
            seed: 1, steps: 100, bound: 0.001));
        Assert.Contains("cartpole-balance seed 1", ex.Message);
        Assert.Contains("at step", ex.Message);
    }

    [Fact]
    public void AnExportThatPerturbsAnActionIsCaughtAndShrunk()
    {
        var spec = new EnvSpec(5, null, null, 0, new ActionSpace([-2f, -1f, 0f], [2f, 1f, 3f]), 100, 0.01);
        var deployed = Export.ToFloatPolicy(new MlpPolicy(spec, [16], seed: 3));
        var faithful = deployed.Replicate();
        float[] Faithful(float[] s) => faithful.Act(new Runtime.PolicyInputs { State = s });
        var states = PolicyGenerators.State(5);
        PolicyAssert.ExportMatches(deployed, Faithful, states, spec.Action, bound: 0, "replica",
            new CheckOptions(Cases: 20));

        // Off by 1% of the half range on action 1, everywhere: the worst element is named.
        float[] Offset(float[] s)
        {
            var a = Faithful(s);
            a[1] += 0.01f;
            return a;
        }
        var all = Enumerable.Range(0, 4).Select(i => states.Generate((ulong)i)).ToArray();
        var ex = Assert.Throws<NumericAssertionException>(() =>
            PolicyAssert.ExportMatches(deployed, Offset, all, spec.Action, bound: 1e-5, "offset export"));
        Assert.Contains("offset export vs 'FP32' at state", ex.Message);
        Assert.Contains("action 1:", ex.Message);

        // Wrong only where state[2] > 1: shrinks to that one entry, the others zero.
        float[] Broken(float[] s)
        {
            var a = Faithful(s);
            if (s[2] > 1) a[2] += 0.1f;
            return a;
        }
        var failure = Assert.Throws<PropertyFailedException>(() =>
            PolicyAssert.ExportMatches(deployed, Broken, states, spec.Action, bound: 1e-5, "broken export"));
        var minimal = Assert.IsType<float[]>(failure.Counterexample);
        Assert.Equal([0f, 0f, 0f, 0f], minimal.Where((_, i) => i != 2));
        Assert.True(minimal[2] > 1, failure.Message);
        Assert.Contains("state 0, action 2:", failure.Message);
        Assert.Contains("Replay seed", failure.Message);
    }

    [Fact]
    public void FilesRoundTrip()
    {
        var env = Env.Make("point-mass", seed: 0);
        var fp = new MlpPolicy(env.Spec, [8], seed: 2);
        RoundTrip.Checkpoint(fp);
        var deployed = Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.W4(8)));
        var observations = PolicyGenerators.Observation(env.Spec);
        RoundTrip.DeployedPolicy(deployed, Enumerable.Range(0, 4).Select(i => observations.Generate((ulong)i)));
        RoundTrip.Demonstrations(Demonstrations.Collect("point-mass", episodes: 1, seed: 3));
    }
}

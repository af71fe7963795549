using Qail.Deployment;
using Qail.Engine;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Testing.Policies;

namespace Qail.Testing.Samples;

/// <summary>
/// The README's three worked examples ("Testing your own numerics"), exactly as a user would write them.
/// </summary>
public class Examples
{
    // 1. A custom activation's backward agrees with float64 finite differences on any shape, layout and value.
    [Fact]
    public void SwishGradientMatchesFiniteDifferences() =>
        Check.ForAll(Generators.Tensor(DType.Float64, maxElements: 24),
            x => GradientAssert.MatchesFiniteDifferences(new Swish(), x.ToTensor()));

    // 2. A hand-written kernel equals its scalar reference bit for bit under every instruction-set cap.
    [Fact]
    public void LeakyReluMatchesItsReferenceOnEveryIsa() =>
        Check.ForAll(Generators.Tensor(DType.Float32, minRank: 1, maxRank: 1, maxDim: 80), c =>
        {
            var x = c.ToTensor().ToArray<float>();
            InstructionSetAssert.MatchesReference(LeakyRelu.Reference(x), () => LeakyRelu.Run(x));
        });

    // 3. A quantized policy stays close to its FP original: on generated observations and along a closed-loop rollout.
    [Fact]
    public void QuantizedPolicyStaysCloseToFullPrecision()
    {
        var env = Env.Make("cartpole-balance", seed: 0);
        var fp = new MlpPolicy(env.Spec, hidden: [32, 32], seed: 1);      // or your trained policy
        var deployed = Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(fp, QuantConfig.WeightOnly(8)))
            .AsPolicy();
        var reference = new EvalModePolicy(fp, "FP32");

        Check.ForAll(PolicyGenerators.Observation(env.Spec),
            o => PolicyAssert.ActsAlike(reference, deployed, o, env.Spec.Action, bound: 0.02));
        PolicyAssert.ClosedLoopActionError(env, deployed, reference, seed: 2, steps: 200, bound: 0.02);
    }

    // The instruction-set caps as theory rows (Qail.Testing.Xunit), for kernels tested one path per test case.
    [Theory, InstructionSets]
    public void LeakyReluMatchesItsReferenceUnderEachCap(Qail.Kernels.Cpu.InstructionSet isa)
    {
        var x = Enumerable.Range(-40, 81).Select(i => i / 8f).ToArray();
        Qail.Kernels.Cpu.KernelDispatch.With(isa, () => Assert.Equal(LeakyRelu.Reference(x), LeakyRelu.Run(x)));
    }
}

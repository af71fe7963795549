using Qail.Deployment;
using Qail.Kernels.Cpu;
using Qail.Runtime;
using Qail.Tests.Exporting;

namespace Qail.Tests.Runtime;

/// <summary>
/// The load-time plan (convolutions fused into integer convolutions over NHWC codes) gives the ops' own results bit
/// for bit, on every instruction-set path, for activation bit widths 8 and 4, replicas included.
/// </summary>
public sealed class ExecutionPlanTests
{
    [Theory]
    [InlineData("W8A8")]
    [InlineData("W4A4")]
    [InlineData("FP32")]
    public void ThePlanEqualsTheOpsRunOneByOne(string config)
    {
        var policy = CilrsExportTests.Deployed(config);
        bool quantized = config != "FP32";
        Assert.Equal(quantized, policy.DescribePlan().Any(step => step.Contains("integer convolution",
            StringComparison.Ordinal)));
        var replica = policy.Replicate();
        foreach (var isa in Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected))
            KernelDispatch.With(isa, () =>
            {
                foreach (var observation in CilrsCase.Observations(2))
                {
                    var inputs = EnvInputs.From(observation);
                    var expected = Bits(policy.Trace(inputs)[^1]);
                    Assert.Equal(expected, Bits(policy.Act(inputs)));
                    Assert.Equal(expected, Bits(replica.Act(inputs)));
                }
            });
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Deployment;
using Qail.Engine.Serialization;
using Qail.Envs;
using Qail.Exporting;
using Qail.Kernels.Cpu;
using Qail.Runtime;
using Qail.Tests.Exporting;

namespace Qail.Tests.Runtime;

/// <summary>
/// The load-time plan (convolutions fused into integer convolutions over NHWC codes, residual adds into their
/// epilogues; quantized layers handing their 8-bit codes to the next one) gives the ops' own results bit for bit, on
/// every instruction-set path, for activation bit widths 8 and 4, replicas included.
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
        Assert.Equal(quantized, policy.DescribePlan().Any(step => step.Contains("next convolution's 8-bit codes",
            StringComparison.Ordinal)));
        // The residual blocks' adds (and their ReLUs) run in the epilogue of the convolution before them.
        Assert.Equal(quantized, policy.DescribePlan().Any(step => step.Contains("residual add and ReLU fused",
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

    /// <summary>MLPs whose layers pass 8-bit codes from epilogue to epilogue act as their ops run one by one.</summary>
    [Property(MaxTest = 12, Replay = "(1515,15)")]
    public Property QuantizedLayersHandOnTheirCodes() =>
        Prop.ForAll(PolicyCase.Generator("W8A8", "W4A4").ToArbitrary(), HandsOnCodes);

    private static void HandsOnCodes(PolicyCase c)
    {
        var policy = Export.ToIntegerPolicy(c.Prepared(c.FullPrecision()));
        Assert.Contains(policy.DescribePlan(),
            step => step.Contains("next layer's 8-bit codes", StringComparison.Ordinal));
        var replica = policy.Replicate();
        foreach (var isa in Enum.GetValues<InstructionSet>().Where(isa => isa <= KernelDispatch.Detected))
            KernelDispatch.With(isa, () =>
            {
                foreach (var state in c.States(4, 9))
                {
                    var inputs = EnvInputs.From(new Observation(state));
                    var expected = Bits(policy.Trace(inputs)[^1]);
                    Assert.Equal(expected, Bits(policy.Act(inputs)));
                    Assert.Equal(expected, Bits(replica.Act(inputs)));
                }
            });
    }

    /// <summary>The integer convolutions' own buffers count against the file's working-memory bound.</summary>
    [Fact]
    public void ThePlansOwnBuffersAreChargedToWorkingMemory()
    {
        var graph = CilrsExportTests.Deployed("W8A8").Graph;
        var memory = new WorkingMemory(0);
        _ = new ExecutionPlan(graph, memory);
        Assert.True(memory.Reserved > 0);
        var nearlyFull = new WorkingMemory(0);
        nearlyFull.Reserve(WorkingMemory.Limit(0) - memory.Reserved + 1, "everything else");
        var refused = Assert.Throws<CheckpointException>(() => new ExecutionPlan(graph, nearlyFull));
        Assert.Contains("integer convolution", refused.Message, StringComparison.Ordinal);
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}

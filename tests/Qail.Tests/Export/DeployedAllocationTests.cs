using Qail.Deployment;
using Qail.Envs;
using Qail.Runtime;

namespace Qail.Tests.Exporting;

/// <summary>Allocation is measured per thread, but other tests' threads still move it (while their kernel calls hold
/// the worker pool, this thread runs every part of its own calls and grows its per-thread scratch): these tests run
/// alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationCollection
{
    public const string Name = "allocation";
}

/// <summary>
/// A warm deployed policy of every family allocates only the action array it returns, at every precision.
/// </summary>
[Collection(AllocationCollection.Name)]
public sealed class DeployedAllocationTests
{
    public static TheoryData<string> MlpConfigs() => ["FP32", "W4g32", "W4g8", "W8A8", "W4A4", "W6"];

    [Theory]
    [MemberData(nameof(MlpConfigs))]
    public void MlpActAllocatesOnlyTheReturnedAction(string config) =>
        AssertOnlyActions(config, DeployedPolicyTests.Deployed(config),
            new Observation(DeployedPolicyTests.Base.States(1, 5)[0]), steps: 200);

    [Theory]
    [InlineData("W8A8")]
    [InlineData("W4")]
    [InlineData("FP32")]
    public void CilrsActAllocatesOnlyTheReturnedAction(string config) =>
        AssertOnlyActions(config, CilrsExportTests.Deployed(config), CilrsCase.At(3, 1), steps: 50);

    [Theory]
    [InlineData("FP32")]
    [InlineData("W8A8")]
    [InlineData("W4A4")]
    [InlineData("W4")]
    public void VlaActAllocatesOnlyTheReturnedAction(string config)
    {
        var c = new VlaExportTests.VlaCase(16, 1, 16, config, 4);
        AssertOnlyActions(config, c.Deploy(c.Network()), VlaExportTests.Observations()[0], steps: 50);
    }

    [SkippableFact]
    public void GpuActAllocatesOnlyTheReturnedAction()
    {
        var device = Qail.Kernels.Cuda.ComputeDevices.TryGet("opencl", out var reason);
        Skip.If(device is null, $"OpenCL unavailable: {reason}");
        var cases = new (string Name, DeployedPolicy Policy, Observation Observation)[]
        {
            ("MLP W8A8", DeployedPolicyTests.Deployed("W8A8"),
                new Observation(DeployedPolicyTests.Base.States(1, 5)[0])),
            ("CILRS W4A4", CilrsExportTests.Deployed("W4A4"), CilrsCase.At(3, 1)),
        };
        foreach (var (name, policy, observation) in cases)
        {
            using var gpu = Qail.Runtime.Gpu.GpuPolicy.Create(policy, device!);
            AssertOnlyActions($"{name} on {device!.Name}", gpu, policy.ActionSize, observation, steps: 20);
        }
    }

    private static void AssertOnlyActions(string config, DeployedPolicy policy, Observation observation, int steps) =>
        AssertOnlyActions(config, policy, policy.ActionSize, observation, steps);

    // Bytes allocated on this thread by the steps, the least of three windows after warm-up (tiered JIT promotion
    // can allocate once on the calling thread), against what the steps' action arrays alone take; the span overload
    // allocates nothing.
    private static void AssertOnlyActions(string config, IDeployedPolicy policy, int actionSize,
        Observation observation, int steps)
    {
        for (int i = 0; i < 100; i++) policy.Act(observation);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = new float[actionSize];
        long actions = steps * (GC.GetAllocatedBytesForCurrentThread() - before);
        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) policy.Act(observation);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(least == actions, $"{config}: {steps} steps allocated {least} bytes; the actions take {actions}.");
        var action = new float[actionSize];
        least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) policy.Act(EnvInputs.From(observation), action);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(least == 0, $"{config}: {steps} steps into a caller's span allocated {least} bytes.");
    }
}

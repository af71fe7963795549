using Qail.Envs;
using Qail.Runtime;

namespace Qail.Tests.Exporting;

/// <summary>What a deployed policy allocates per step once warm, for the "only the returned action" tests.</summary>
internal static class StepAllocation
{
    /// <summary>
    /// Bytes allocated on this thread by <paramref name="steps"/> calls, the least of three windows after warm-up (tiered
    /// JIT promotion can allocate once on the calling thread), and what those steps' action arrays alone take.
    /// </summary>
    public static (long Allocated, long Actions) Measure(IntegerPolicy policy, Observation observation, int steps)
    {
        for (int i = 0; i < 100; i++) policy.Act(observation);
        long before = GC.GetAllocatedBytesForCurrentThread();
        _ = new float[policy.ActionSize];
        long oneAction = GC.GetAllocatedBytesForCurrentThread() - before;
        long least = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < steps; i++) policy.Act(observation);
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return (least, steps * oneAction);
    }
}

namespace Qail.Kernels.Cpu;

/// <summary>
/// A kernel call split into a fixed number of parts (a fixed partition of its output), run by
/// <see cref="WorkerPool.Run{TJob}(int, in TJob)"/> without allocating: jobs are structs holding pinned pointers.
/// </summary>
internal interface IPartitionedJob
{
    /// <summary>Computes part <paramref name="part"/> of <paramref name="parts"/>.</summary>
    void Part(int part, int parts);
}

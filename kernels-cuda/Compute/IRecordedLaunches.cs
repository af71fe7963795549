namespace Qail.Kernels.Cuda;

/// <summary>
/// Launches recorded once (a CUDA graph) and replayed with one call, on the stream they were recorded from.
/// </summary>
public interface IRecordedLaunches : IDisposable
{
    /// <summary>Queues the recorded launches again.</summary>
    void Replay();
}

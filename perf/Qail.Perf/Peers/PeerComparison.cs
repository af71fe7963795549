namespace Qail.Perf.Peers;

/// <summary>
/// One side-by-side measurement: our kernel against a peer on the same inputs. <see cref="Prepare"/>
/// allocates the inputs and returns the two calls (called once, outside timing).
/// </summary>
/// <param name="Name">Row label, also what the filter matches (e.g. "sgemm 1024x1024x1024 t1").</param>
/// <param name="Peer">The peer's name (e.g. "OpenBLAS").</param>
/// <param name="Flops">Floating-point (or integer) operations per call, for the GFLOP/s column; 0 hides it.</param>
/// <param name="Prepare">Builds inputs and returns both sides.</param>
public sealed record PeerComparison(string Name, string Peer, double Flops, Func<PeerPair> Prepare);

/// <summary>Our call and the peer's call over the same prepared inputs; disposing releases peer resources.</summary>
public sealed class PeerPair(Action ours, Action peer, Action? release = null) : IDisposable
{
    /// <summary>Runs our kernel once.</summary>
    public Action Ours { get; } = ours;

    /// <summary>Runs the peer once.</summary>
    public Action Peer { get; } = peer;

    /// <inheritdoc />
    public void Dispose() => release?.Invoke();
}

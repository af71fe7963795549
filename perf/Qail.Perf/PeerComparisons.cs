using Qail.Perf.Batch1;
using Qail.Perf.Gemm;
using Qail.Perf.Peers;
using Qail.Perf.Policies;
using Qail.Perf.Quantized;

namespace Qail.Perf;

/// <summary>
/// Every side-by-side suite run by <c>peers [filter]</c>, in print order: the one list to extend.
/// </summary>
public static class PeerComparisons
{
    /// <summary>All comparisons; the runner filters them by name.</summary>
    public static IEnumerable<PeerComparison> All() =>
    [
        .. SgemmPeers.Square(sizes: [64, 256, 512, 1024, 2048], threads: [1, 2]),
        .. SgemmPeers.Policy(batches: [1, 8, 64], widths: [256, 512, 1024], threads: [1, 2]),
        .. QuantizedPeers.Int8Gemm(sizes: [256, 1024], threads: [1, 2]),
        .. QuantizedPeers.Int4(batches: [1, 8, 64], n: 4096, k: 4096, threads: [1, 2]),
        .. Batch1Peers.Layers(sizes: [64, 256, 512, 1024]),
        .. DeployedPolicyPeers.All(configs: ["FP32", "W8A8", "W4A4", "W4g32"], threads: [1, 2]),
    ];
}

using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Qail.Policies;

namespace Qail.Evaluation;

/// <summary>
/// A hash of a network's type and full state (every parameter and persistent buffer, by name, shape and value): two
/// networks with the same fingerprint act identically, so their seeded closed-loop results can be shared.
/// </summary>
public static class PolicyFingerprint
{
    /// <summary>The hex SHA-256 of <paramref name="network"/>'s type and state.</summary>
    public static string Of(PolicyNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(network.GetType().FullName ?? network.GetType().Name));
        foreach (var (name, tensor) in network.StateDict())
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"|{name}|{string.Join('x', tensor.ShapeToArray())}|"));
            hash.AppendData(MemoryMarshal.AsBytes(tensor.ToDoubleArray().AsSpan()));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }
}

using Qail.Engine;
using Qail.Envs;
using Qail.Nn;
using Qail.Nn.Checkpoints;
using Qail.Policies;
using Qail.Deployment;
using Qail.Runtime;

namespace Qail.Testing.Policies;

/// <summary>
/// Round trips of the file formats a user ships: a deployed policy file, a module checkpoint and a demonstrations file
/// must come back bit for bit (and re-encode to the same bytes). Failures name the entry that differs.
/// </summary>
public static class RoundTrip
{
    /// <summary>
    /// A deployed policy read back from its bytes re-encodes identically and acts identically on every observation.
    /// </summary>
    public static void DeployedPolicy(Runtime.DeployedPolicy policy, IEnumerable<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observations);
        var bytes = policy.ToBytes();
        var loaded = Runtime.DeployedPolicy.FromBytes(bytes);
        SameBytes("deployed policy", bytes, loaded.ToBytes());
        int index = 0;
        foreach (var observation in observations)
        {
            var expected = policy.Act(observation);
            var actual = loaded.Act(observation);
            TensorAssert.Close(Tensor.From(expected), Tensor.From(actual), Tolerance.Exact,
                $"deployed policy after its round trip, observation {index++}");
        }
    }

    /// <summary>
    /// A checkpoint saved from <paramref name="module"/> and loaded into a zeroed copy restores every tensor bit for
    /// bit.
    /// </summary>
    public static void Checkpoint(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        string path = Path.Combine(Path.GetTempPath(), $"qail-roundtrip-{Guid.NewGuid():N}.safetensors");
        try
        {
            Nn.Checkpoints.Checkpoint.Save(module, path);
            var copy = module.DeepCopy();
            copy.LoadState(module.StateDict().ToDictionary(kv => kv.Key, kv => Tensor.ZerosLike(kv.Value)));
            Nn.Checkpoints.Checkpoint.Load(copy, path);
            var restored = copy.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value);
            foreach (var (name, tensor) in module.StateDict())
            {
                if (!restored.TryGetValue(name, out var back))
                    throw new NumericAssertionException($"checkpoint round trip: '{name}' is missing after loading.");
                TensorAssert.Close(tensor, back, Tolerance.Exact, $"checkpoint round trip, '{name}'");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Demonstrations read back from their bytes re-encode to the same bytes.</summary>
    public static void Demonstrations(Envs.Demonstrations demonstrations)
    {
        ArgumentNullException.ThrowIfNull(demonstrations);
        var bytes = demonstrations.ToBytes();
        SameBytes("demonstrations", bytes, Envs.Demonstrations.FromBytes(bytes).ToBytes());
    }

    private static void SameBytes(string what, byte[] expected, byte[] actual)
    {
        int n = Math.Min(expected.Length, actual.Length);
        for (int i = 0; i < n; i++)
            if (expected[i] != actual[i])
                throw new NumericAssertionException(
                    $"{what} round trip: byte {i} of {expected.Length} differs ({expected[i]} then {actual[i]}).");
        if (expected.Length != actual.Length)
            throw new NumericAssertionException(
                $"{what} round trip: {expected.Length} bytes written, {actual.Length} after reading back.");
    }
}

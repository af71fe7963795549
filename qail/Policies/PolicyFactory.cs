using Qail.Envs;

namespace Qail.Policies;

/// <summary>
/// Picks and builds the papers' policy family an env calls for: MLP on state vectors, VLA with instructions, CILRS on
/// rasters.
/// </summary>
public static class PolicyFactory
{
    /// <summary>Known family names.</summary>
    public static IReadOnlyList<string> Families { get; } = ["mlp", "cilrs", "vla"];

    /// <summary>"mlp" for state-vector envs, "vla" for image + instruction envs, "cilrs" for image-only envs.</summary>
    public static string FamilyFor(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Image is null ? "mlp" : spec.Instruction is not null ? "vla" : "cilrs";
    }

    /// <summary>
    /// A fresh network of <paramref name="family"/> for the env (hidden widths apply to the MLP only). The VLA decodes
    /// its bins by expectation: near a target the bin distribution is often two-peaked (keep moving at full speed, or
    /// stop) and argmax then overshoots (libero-spatial, 20 episodes: 35% success with expectation, 20% with argmax).
    /// </summary>
    public static PolicyNetwork Create(string family, EnvSpec spec, int[] hidden, long seed) => family switch
    {
        "mlp" => new MlpPolicy(spec, hidden, seed),
        "cilrs" => new CilrsPolicy(spec, seed),
        "vla" => new VlaPolicy(spec, seed) { Decoding = ActionDecoding.Expectation },
        _ => throw new ArgumentException($"Unknown policy family '{family}' (known: {string.Join(", ", Families)}).",
            nameof(family)),
    };
}

using Qail.Envs;
using Qail.Policies;

namespace Qail.Testing.Policies;

/// <summary>A small random policy network of one family for an env spec: the sizes and seed that rebuild it.</summary>
/// <param name="Family">"mlp", "cilrs" or "vla" (see <see cref="PolicyFactory.Families"/>).</param>
/// <param name="Spec">The env contract the network serves.</param>
/// <param name="Width">Hidden width (MLP), trunk width (CILRS) or model dimension (VLA).</param>
/// <param name="Depth">Hidden layers (MLP) or transformer layers (VLA); unused by CILRS.</param>
/// <param name="Seed">Initialisation seed.</param>
public sealed record NetworkCase(string Family, EnvSpec Spec, int Width, int Depth, int Seed)
{
    /// <summary>Builds the network (fresh weights from <see cref="Seed"/>).</summary>
    public PolicyNetwork Create() => Family switch
    {
        "mlp" => new MlpPolicy(Spec, Enumerable.Repeat(Width, Depth).ToArray(), Seed),
        "cilrs" => new CilrsPolicy(Spec, Seed, width: Width, featureSize: 4 * Width, headHidden: 4 * Width),
        "vla" => new VlaPolicy(Spec, Seed, modelDim: 8 * Width, layers: Depth, heads: 2,
            patchSize: 16) { Decoding = ActionDecoding.Expectation },
        _ => throw new ArgumentException(
            $"NetworkCase: unknown family '{Family}' (known: {string.Join(", ", PolicyFactory.Families)}).",
            nameof(Family)),
    };

    /// <summary>One line for failure messages.</summary>
    public override string ToString()
        => $"{Family} width {Width} depth {Depth} seed {Seed} (state {Spec.StateSize}, actions {Spec.Action.Size})";
}

using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>Lowers one module applied to <paramref name="input"/>: appends its runtime ops, returns its
/// output.</summary>
internal delegate LoweredValue ModuleLowering(LoweringContext context, Module module, string path, LoweredValue input);

/// <summary>Builds a policy family's whole graph: its inputs, its modules' lowerings and its heads.</summary>
internal delegate void FamilyLowering(LoweringContext context, PolicyNetwork network);

/// <summary>
/// How each nn module type lowers to runtime ops, declared once: layers and blocks (value in, value out) and the
/// policy families, which declare the graph's inputs, compose their modules' lowerings and add their own heads
/// (input normalisation, command select, bin decoding). Keyed by the module's exact type: a subclass does not
/// silently lower as its base.
/// </summary>
internal static class ModuleLowerings
{
    private static readonly Dictionary<Type, ModuleLowering> Modules = new()
    {
        [typeof(Linear)] = (c, m, p, x) => LinearLowering.Lower(c, (Linear)m, p, x),
        [typeof(Conv2d)] = (c, m, p, x) => ConvolutionLowering.Lower(c, (Conv2d)m, p, x),
        [typeof(ReLU)] = (c, _, _, x) => c.Apply(new Relu(x.Size), x),
        [typeof(GELU)] = (c, _, _, x) => c.Apply(new GeluTanh(x.Size), x),
        [typeof(Sequential)] = (c, m, p, x) => Chain(c, (Sequential)m, p, x),
        [typeof(FoldedBasicBlock)] = (c, m, p, x) => ResidualBlockLowering.Lower(c, (FoldedBasicBlock)m, p, x),
        [typeof(BatchNorm2d)] = (_, _, p, _) => throw Unfolded($"layer '{p}' is an unfolded batch norm"),
        [typeof(ResNetBasicBlock)] = (_, _, p, _) => throw Unfolded($"block '{p}' holds unfolded batch norms"),
        [typeof(LayerNorm)] = (c, m, p, x) => LayerNormLowering.Lower(c, (LayerNorm)m, p, x),
        [typeof(MultiHeadAttention)] = (c, m, p, x) => AttentionLowering.Lower(c, (MultiHeadAttention)m, p, x, null),
        [typeof(TransformerBlock)] = (c, m, p, x) => TransformerBlockLowering.Lower(c, (TransformerBlock)m, p, x, null),
    };

    private static readonly Dictionary<Type, FamilyLowering> Families = new()
    {
        [typeof(MlpPolicy)] = (c, n) => MlpLowering.Lower(c, (MlpPolicy)n),
        [typeof(CilrsPolicy)] = (c, n) => CilrsLowering.Lower(c, (CilrsPolicy)n),
        [typeof(VlaPolicy)] = (c, n) => VlaLowering.Lower(c, (VlaPolicy)n),
    };

    /// <summary>True when the network's family has a lowering.</summary>
    public static bool HasFamily(PolicyNetwork network) => Families.ContainsKey(network.GetType());

    /// <summary>The deployed graph of a whole network; <paramref name="op"/> names the caller in errors.</summary>
    public static PolicyGraph Graph(PolicyNetwork network, string op)
    {
        if (!Families.TryGetValue(network.GetType(), out var lower))
            throw new ArgumentException($"Export.{op}: {network.GetType().Name} has no integer " +
                $"graph.", nameof(network));
        var context = new LoweringContext();
        lower(context, network);
        return context.Graph;
    }

    /// <summary>Lowers one module through its type's entry; a type without one is refused, naming the layer.</summary>
    public static LoweredValue Lower(LoweringContext context, Module module, string path, LoweredValue input) =>
        Modules.TryGetValue(module.GetType(), out var lower)
            ? lower(context, module, path, input)
            : throw new ArgumentException($"Export: layer '{path}' is a {module.GetType().Name}, which has no " +
                $"runtime op.");

    // A chain lowers its children in order, each named by its index.
    private static LoweredValue Chain(LoweringContext context, Sequential chain, string path, LoweredValue x)
    {
        for (int i = 0; i < chain.Count; i++) x = context.Lower(chain[i], $"{path}.{i}", x);
        return x;
    }

    // Batch norms lower folded into the convolution before them (BatchNormFolding), never on their own.
    private static ArgumentException Unfolded(string what) =>
        new($"Export: {what}, which has no runtime op; export a network prepared by Quantizer.Prepare or folded by " +
            $"BatchNormFolding.Fold.");
}

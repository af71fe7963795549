using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// Turns trained policies into deployed <see cref="DeployedPolicy"/> graphs: a fake-quant policy into packed integer
/// weights run by the CPU kernels, a full-precision one into fp32 layers on Sgemm (for like-for-like latency).
/// Networks lower through <see cref="ModuleLowerings"/>: each module type's lowering declared once, each policy
/// family composing them with its own inputs and heads.
/// </summary>
public static class Export
{
    /// <summary>
    /// The integer policy of a prepared (fake-quantized, calibrated) network: W4 weight-only groups to packed int4,
    /// per-channel weights with quantized activations (W8A8, W4A4) to the int8 GEMM, unquantized layers to fp32.
    /// </summary>
    public static DeployedPolicy ToIntegerPolicy(PolicyNetwork prepared, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        string precision = WeightLayers(prepared).Select(l => LayerExport.Precision(l.Layer)).Where(p => p != "FP32")
            .GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "FP32";
        return new DeployedPolicy(label ?? precision, precision, Graph(prepared, nameof(ToIntegerPolicy)));
    }

    /// <summary>The fp32 policy of a full-precision network on the same runtime (Sgemm layers).</summary>
    public static DeployedPolicy ToFloatPolicy(PolicyNetwork network, string label = "FP32")
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (var (path, layer) in WeightLayers(network))
            if (layer.WeightTransform is not null || layer.InputTransform is not null)
                throw new ArgumentException($"Export.ToFloatPolicy: layer '{path}' carries a quantizer; export a "
                    + "full-precision network (or use ToIntegerPolicy).", nameof(network));
        // Batch norms fold exactly in real arithmetic; the deployed fp32 graph runs the folded convolutions.
        var folded = BatchNormFolding.UnfoldedPath(network) is null ? network : BatchNormFolding.Fold(network);
        return new DeployedPolicy(label, "FP32", Graph(folded, nameof(ToFloatPolicy)));
    }

    /// <summary>True when the network's family has an integer graph.</summary>
    public static bool CanExport(PolicyNetwork network) =>
        ModuleLowerings.HasFamily(network ?? throw new ArgumentNullException(nameof(network)));

    private static PolicyGraph Graph(PolicyNetwork network, string op) => ModuleLowerings.Graph(network, op);

    private static IEnumerable<(string Path, WeightedLayer Layer)> WeightLayers(PolicyNetwork network) =>
        network.NamedModules().Where(m => m.Value is WeightedLayer).Select(m => (m.Key, (WeightedLayer)m.Value));
}

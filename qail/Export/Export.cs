using Qail.Nn;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// Turns trained policies into deployed <see cref="IntegerPolicy"/> graphs: a fake-quant policy into packed integer
/// weights run by the CPU kernels, a full-precision one into fp32 layers on Sgemm (for like-for-like latency).
/// Supports the MLP family; each family is a graph of weight-layer ops and float glue ops.
/// </summary>
public static class Export
{
    /// <summary>
    /// The integer policy of a prepared (fake-quantized, calibrated) network: W4 weight-only groups to packed int4,
    /// per-channel weights with quantized activations (W8A8, W4A4) to the int8 GEMM, unquantized layers to fp32.
    /// </summary>
    public static IntegerPolicy ToIntegerPolicy(PolicyNetwork prepared, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var mlp = AsMlp(prepared, nameof(ToIntegerPolicy));
        var layers = Body(mlp).OfType<WeightedLayer>().ToList();
        string precision = layers.Select(LayerExport.Precision).Where(p => p != "FP32")
            .GroupBy(p => p).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault() ?? "FP32";
        return new IntegerPolicy(label ?? precision, precision, MlpGraph(mlp));
    }

    /// <summary>The fp32 policy of a full-precision network on the same runtime (Sgemm layers).</summary>
    public static IntegerPolicy ToFloatPolicy(PolicyNetwork network, string label = "FP32")
    {
        ArgumentNullException.ThrowIfNull(network);
        var mlp = AsMlp(network, nameof(ToFloatPolicy));
        int index = 0;
        foreach (var module in Body(mlp))
        {
            if (module is WeightedLayer { WeightTransform: not null } or WeightedLayer { InputTransform: not null })
                throw new ArgumentException($"Export.ToFloatPolicy: layer 'body.{index}' carries a quantizer; export a full-precision network (or use ToIntegerPolicy).", nameof(network));
            index++;
        }
        return new IntegerPolicy(label, "FP32", MlpGraph(mlp));
    }

    /// <summary>True when the network's family has an integer graph (the MLP family today).</summary>
    public static bool CanExport(PolicyNetwork network) => network is MlpPolicy;

    private static MlpPolicy AsMlp(PolicyNetwork network, string op) => network as MlpPolicy
        ?? throw new ArgumentException($"Export.{op}: {network.GetType().Name} has no integer graph yet; the MLP policy family is supported.", nameof(network));

    private static List<Module> Body(MlpPolicy mlp)
    {
        var body = (Sequential)mlp.FindModule("body");
        return Enumerable.Range(0, body.Count).Select(i => body[i]).ToList();
    }

    // normalise -> (linear, relu)* -> linear -> tanh action head, mirroring MlpPolicy.Forward and ToAction.
    private static PolicyGraph MlpGraph(MlpPolicy mlp)
    {
        var buffers = mlp.NamedBuffers().Where(b => !b.Key.Contains('.')).ToDictionary(b => b.Key, b => b.Value.Cast(Engine.DType.Float32).Contiguous().ToArray<float>());
        var graph = new PolicyGraph();
        graph.Input(GraphInput.State(mlp.Spec.StateSize));
        graph.Then(new Normalize(buffers["state_mean"], buffers["state_std"]));
        var body = Body(mlp);
        for (int i = 0; i < body.Count; i++)
        {
            graph.Then(body[i] switch
            {
                Linear linear => LayerExport.Linear($"body.{i}", linear),
                ReLU => new Relu(graph.SlotSize(graph.Last)),
                var other => throw new ArgumentException($"Export: layer 'body.{i}' is a {other.GetType().Name}, which has no runtime op.", nameof(mlp)),
            });
        }
        var action = mlp.Spec.Action;
        graph.Then(new TanhAction(buffers["action_centre"], buffers["action_half_range"], (float[])action.Low.Clone(), (float[])action.High.Clone()));
        return graph;
    }
}

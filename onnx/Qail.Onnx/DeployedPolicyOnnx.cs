using System.Text.Json;
using Qail.Engine.Serialization;

namespace Qail.Onnx;

/// <summary>
/// A deployed policy file (what `qail quantize` writes: safetensors tensors plus the graph config in its metadata)
/// as an ONNX model, opset 21, for all three families. Graph inputs as the runtime's <c>PolicyInputs</c> take them:
/// "state" float [1, S], "image" uint8 [H, W, C] (the camera's interleaved pixels), "instruction" int64 [L] (token
/// ids), "command" int64 [1]; output "action" float [1, A]. Float layers become MatMul / Conv; W8A8 (any
/// activation-quantized) layers become QDQ: QuantizeLinear / DequantizeLinear on the input and DequantizeLinear on
/// int8 / uint8 weight codes per channel; weight-only layers dequantize their codes (int4 / uint4 in blocks of the
/// group size for 4 bits or fewer). An im2col read only by the weight layer after it becomes one Conv. Every op of
/// the runtime's registry lowers (see <see cref="LoweredOps"/>); any other kind is refused by name.
/// </summary>
public static class DeployedPolicyOnnx
{
    /// <summary>The metadata key of the graph config in a deployed policy file.</summary>
    public const string ConfigKey = "qail.integer_policy";

    /// <summary>The opset the export writes (int4 types and blocked DequantizeLinear need 21).</summary>
    public const int Opset = 21;

    /// <summary>The runtime op kinds the export lowers.</summary>
    public static IReadOnlyCollection<string> LoweredOps => OpLowering.Kinds;

    /// <summary>The ONNX model bytes of the deployed policy file at <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">The policy reads an input or runs an op the export does not
    /// cover.</exception>
    public static byte[] Export(string path) => Export(SafeTensors.Load(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>As <see cref="Export(string)"/>, from an already-read file (validate it with the runtime's loader
    /// first: the export trusts the shapes the config declares).</summary>
    public static byte[] Export(SafeTensorsArchive archive, string name)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (!archive.Metadata.TryGetValue(ConfigKey, out var config))
            throw new InvalidDataException($"the file has no \"{ConfigKey}\" metadata: not a deployed policy.");
        using var doc = JsonDocument.Parse(config);
        var root = doc.RootElement;
        var graph = new OnnxGraph(string.IsNullOrEmpty(name) ? "policy" : name);
        var slots = new List<OnnxValue?>();
        foreach (var input in root.GetProperty("inputs").EnumerateArray()) slots.Add(Input(graph, input));
        var ops = root.GetProperty("ops").EnumerateArray().ToList();
        var sources = ops.Select(op => op.GetProperty("sources").EnumerateArray().Select(s => s.GetInt32()).ToArray())
            .ToList();
        var readers = new int[slots.Count + ops.Count];
        foreach (var list in sources)
            foreach (int s in list) readers[s]++;
        var lowering = new OpLowering(graph, archive.Tensors);
        for (int i = 0; i < ops.Count; i++)
        {
            string kind = ops[i].GetProperty("kind").GetString()!;
            var values = sources[i].Select(s => slots[s] ?? throw new NotSupportedException(
                $"op {i} reads value {s}, which the export folded into a convolution.")).ToArray();
            int slot = slots.Count;
            // An im2col and the weight layer that alone reads it: one Conv (ONNX Runtime's own convolution kernels).
            if (kind == "im2col" && i + 1 < ops.Count && sources[i + 1] is [var only] && only == slot
                && readers[slot] == 1 && OpLowering.IsWeightLayer(ops[i + 1].GetProperty("kind").GetString()!))
            {
                slots.Add(null);
                slots.Add(lowering.Convolution(ops[i], ops[i + 1], $"ops.{i + 1}.", values[0]));
                i++;
                continue;
            }
            slots.Add(lowering.Lower(kind, ops[i], $"ops.{i}.", i, values));
        }
        var last = slots[^1]!;
        int actionSize = root.GetProperty("action_size").GetInt32();
        graph.AddNode("Reshape", [last.Name, lowering.Shape(1, actionSize)], ["action"]);
        graph.AddOutput("action", OnnxElementType.Float, 1, actionSize);
        return graph.ToModel([("", Opset)]);
    }

    // A graph input as the runtime fills its slot: the state as given, the image's bytes / 255 as a CHW map, token
    // ids and the command as int64 indices.
    private static OnnxValue Input(OnnxGraph graph, JsonElement input)
    {
        var kind = input.GetProperty("kind").GetString();
        var shape = input.GetProperty("shape").EnumerateArray().Select(s => (long)s.GetInt32()).ToArray();
        switch (kind)
        {
            case "state":
                graph.AddInput("state", OnnxElementType.Float, 1L, shape[0]);
                return new OnnxValue("state", [1, shape[0]]);
            case "image":
                long channels = shape[0], height = shape[1], width = shape[2];
                graph.AddInput("image", OnnxElementType.UInt8, height, width, channels);
                graph.AddNode("Cast", ["image"], ["image_float"]).Attribute("to", (long)OnnxElementType.Float);
                graph.AddInitializer<float>("pixel_scale", OnnxElementType.Float, [], [255f]);
                graph.AddNode("Div", ["image_float", "pixel_scale"], ["image_unit"]);
                graph.AddNode("Transpose", ["image_unit"], ["image_chw"]).Attribute("perm", [2L, 0L, 1L]);
                return new OnnxValue("image_chw", [channels, height, width]);
            case "instruction":
                graph.AddInput("instruction", OnnxElementType.Int64, shape[0]);
                return new OnnxValue("instruction", [shape[0]], Integer: true);
            case "command":
                graph.AddInput("command", OnnxElementType.Int64, 1L);
                return new OnnxValue("command", [1], Integer: true);
            default:
                throw new NotSupportedException(
                    $"the policy reads an input \"{kind}\", which the ONNX export does not know.");
        }
    }
}

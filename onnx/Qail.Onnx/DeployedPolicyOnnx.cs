using System.Text.Json;
using Qail.Engine;
using Qail.Engine.Serialization;

namespace Qail.Onnx;

/// <summary>
/// A deployed policy file (what `qail quantize` writes: safetensors tensors plus the graph config in its metadata)
/// as an ONNX model with input "state" [1, S] and output "action" [1, A], opset 21. Float layers become Gemm; W8A8
/// (any activation-quantized) layers become QDQ: QuantizeLinear / DequantizeLinear on the input (with a Clip to
/// the code range below 8 bits) and DequantizeLinear on int8 / uint8 weight codes (per channel, or blocked per
/// group); weight-only layers of 4 bits or fewer become int4 / uint4 DequantizeLinear with blocks of the group size.
/// The state-vector (MLP) family is covered; an op or input of the image families is refused by name.
/// </summary>
public static class DeployedPolicyOnnx
{
    /// <summary>The metadata key of the graph config in a deployed policy file.</summary>
    public const string ConfigKey = "qail.integer_policy";

    /// <summary>The ONNX model bytes of the deployed policy file at <paramref name="path"/>.</summary>
    /// <exception cref="NotSupportedException">The policy reads an input or runs an op the export does not cover.</exception>
    public static byte[] Export(string path) => Export(SafeTensors.Load(path), Path.GetFileNameWithoutExtension(path));

    /// <summary>As <see cref="Export(string)"/>, from an already-read file.</summary>
    public static byte[] Export(SafeTensorsArchive archive, string name)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (!archive.Metadata.TryGetValue(ConfigKey, out var config))
            throw new InvalidDataException($"the file has no \"{ConfigKey}\" metadata: not a deployed policy.");
        using var doc = JsonDocument.Parse(config);
        var root = doc.RootElement;
        var graph = new OnnxGraph(name);
        var slots = new List<string>();
        foreach (var input in root.GetProperty("inputs").EnumerateArray())
        {
            var kind = input.GetProperty("kind").GetString();
            if (kind != "state") throw new NotSupportedException($"ONNX export covers state-vector policies (MLP); this one reads \"{kind}\".");
            int size = input.GetProperty("shape")[0].GetInt32();
            graph.AddInput("state", OnnxElementType.Float, 1, size);
            slots.Add("state");
        }
        int actionSize = root.GetProperty("action_size").GetInt32();
        int index = 0;
        foreach (var op in root.GetProperty("ops").EnumerateArray())
        {
            var sources = op.GetProperty("sources").EnumerateArray().Select(s => slots[s.GetInt32()]).ToList();
            if (sources.Count != 1) throw new NotSupportedException($"op {index} reads {sources.Count} values; the export covers chains of single-input ops.");
            var emit = new OpEmitter(graph, archive.Tensors, op, $"ops.{index}.", $"op{index}");
            slots.Add(emit.Emit(op.GetProperty("kind").GetString()!, sources[0]));
            index++;
        }
        graph.AddNode("Identity", [slots[^1]], ["action"]);
        graph.AddOutput("action", OnnxElementType.Float, 1, actionSize);
        return graph.ToModel([("", 21)]);
    }

    // One op of the config as ONNX nodes; returns the name of its output value.
    private sealed class OpEmitter(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> tensors, JsonElement op, string prefix, string id)
    {
        public string Emit(string kind, string x) => kind switch
        {
            "normalize" => Node("Div", [Node("Sub", [x, Floats("mean")]), Floats("std")]),
            "relu" => Node("Relu", [x]),
            "tanh_action" => Clamp(Node("Add", [Node("Mul", [Node("Tanh", [x]), Floats("half_range")]), Floats("centre")])),
            "linear_f32" => Linear(x, Floats("weight", [Int("outputs"), Int("inputs")])),
            "linear_int8" => Linear(QuantizeInput(x), DequantizeWeight(eightBit: true)),
            "linear_int4" or "linear_dequantized" => Linear(x, DequantizeWeight(eightBit: Int("weight_bits") > 4)),
            _ => throw new NotSupportedException($"op {id[2..]} is \"{kind}\", which the ONNX export does not cover (MLP ops only)."),
        };

        private int _values;

        private string Value() => $"{id}_{_values++}";

        private string Node(string type, IReadOnlyList<string> inputs, Action<OnnxNode>? attributes = null)
        {
            var output = Value();
            var node = graph.AddNode(type, inputs, [output]);
            attributes?.Invoke(node);
            return output;
        }

        // Per-dimension bounds: Clip takes scalars, so Max then Min against the bound vectors.
        private string Clamp(string x) => Node("Min", [Node("Max", [x, Floats("low")]), Floats("high")]);

        private int Int(string name) => op.GetProperty(name).GetInt32();

        private bool Bool(string name) => op.GetProperty(name).GetBoolean();

        private Tensor Tensor(string name) =>
            tensors.TryGetValue(prefix + name, out var t) ? t : throw new InvalidDataException($"the file lacks tensor {prefix}{name}.");

        private string Floats(string name, int[]? shape = null)
        {
            var t = Tensor(name);
            var value = Value();
            graph.AddInitializer<float>(value, OnnxElementType.Float, (shape ?? t.ShapeSpan.ToArray()).Select(d => (long)d).ToArray(), t.ToArray<float>());
            return value;
        }

        private string Linear(string x, string weight)
        {
            var inputs = new List<string> { x, weight };
            if (tensors.ContainsKey(prefix + "bias")) inputs.Add(Floats("bias"));
            return Node("Gemm", inputs, n => n.Attribute("transB", 1L));
        }

        // q = clamp(round_half_even(x / s) + zp, qmin, qmax), then back to floats: the runtime's activation codes.
        private string QuantizeInput(string x)
        {
            int bits = Int("input_bits");
            bool symmetric = Bool("input_symmetric");
            var type = symmetric ? OnnxElementType.Int8 : OnnxElementType.UInt8;
            var scale = Floats("input_scale", []);
            var zero = Value();
            if (symmetric) graph.AddInitializer<sbyte>(zero, type, [], [(sbyte)Int("input_zero_point")]);
            else graph.AddInitializer<byte>(zero, type, [], [(byte)Int("input_zero_point")]);
            var q = Node("QuantizeLinear", [x, scale, zero]);
            if (bits < 8)
            {
                int qmin = symmetric ? -(1 << (bits - 1)) : 0, qmax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
                string low = Value(), high = Value();
                if (symmetric)
                {
                    graph.AddInitializer<sbyte>(low, type, [], [(sbyte)qmin]);
                    graph.AddInitializer<sbyte>(high, type, [], [(sbyte)qmax]);
                }
                else
                {
                    graph.AddInitializer<byte>(low, type, [], [(byte)qmin]);
                    graph.AddInitializer<byte>(high, type, [], [(byte)qmax]);
                }
                q = Node("Clip", [q, low, high]);
            }
            return Node("DequantizeLinear", [q, scale, zero]);
        }

        // w = (code - zero_point) * scale per output row and group: DequantizeLinear over axis 1 in blocks of the group.
        private string DequantizeWeight(bool eightBit)
        {
            int rows = Int("outputs"), columns = Int("inputs"), bits = Int("weight_bits"), group = Int("weight_group_size");
            bool symmetric = Bool("weight_symmetric");
            var codes = Codes(rows, columns, bits, symmetric);
            var zeros = symmetric ? null : Tensor("weight_zero_points").ToArray<int>();
            int groups = columns / group;
            string w = Value(), scale = Floats("weight_scales", [rows, groups]), zero = Value();
            long[] dims = [rows, columns], zeroDims = [rows, groups];
            if (eightBit && symmetric)
            {
                graph.AddInitializer<sbyte>(w, OnnxElementType.Int8, dims, codes.Select(c => (sbyte)c).ToArray());
                graph.AddInitializer<sbyte>(zero, OnnxElementType.Int8, zeroDims, new sbyte[rows * groups]);
            }
            else if (eightBit)
            {
                graph.AddInitializer<byte>(w, OnnxElementType.UInt8, dims, codes.Select(c => (byte)c).ToArray());
                graph.AddInitializer<byte>(zero, OnnxElementType.UInt8, zeroDims, zeros!.Select(z => (byte)z).ToArray());
            }
            else
            {
                var type = symmetric ? OnnxElementType.Int4 : OnnxElementType.UInt4;
                graph.AddPackedInt4Initializer(w, type, dims, Pack(codes));
                graph.AddPackedInt4Initializer(zero, type, zeroDims, Pack(zeros ?? new int[rows * groups]));
            }
            return Node("DequantizeLinear", [w, scale, zero], n => n.Attribute("axis", 1L).Attribute("block_size", (long)group));
        }

        private int[] Codes(int rows, int columns, int bits, bool symmetric)
        {
            long count = (long)rows * columns;
            var t = Tensor("weight_codes");
            if (bits > 4) return symmetric ? Array.ConvertAll(t.ToArray<sbyte>(), v => (int)v) : Array.ConvertAll(t.ToArray<byte>(), v => (int)v);
            var packed = t.ToArray<byte>();
            if (packed.Length != (count + 1) / 2) throw new InvalidDataException($"{prefix}weight_codes holds {packed.Length} bytes for {count} codes.");
            var codes = new int[count];
            for (long i = 0; i < count; i++)
            {
                int nibble = (packed[i >> 1] >> (int)((i & 1) << 2)) & 0xF;
                codes[i] = symmetric ? (nibble ^ 8) - 8 : nibble;
            }
            return codes;
        }

        private static byte[] Pack(int[] values)
        {
            var packed = new byte[(values.Length + 1) / 2];
            for (int i = 0; i < values.Length; i++) packed[i >> 1] |= (byte)((values[i] & 0xF) << ((i & 1) << 2));
            return packed;
        }
    }
}

using System.Text.Json;
using Qail.Engine;

namespace Qail.Onnx;

/// <summary>
/// Lowers runtime ops (their JSON attributes and tensors from the policy file) to ONNX nodes, one kind per entry of
/// <see cref="Lowerings"/>; the weight layers, the transformer ops and the action heads live in their own files.
/// </summary>
internal sealed partial class OpLowering(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> tensors)
{
    private delegate OnnxValue Lowering(OpLowering lowering, OnnxValue[] inputs);

    // Every runtime op kind and its ONNX form.
    private static readonly Dictionary<string, Lowering> Lowerings = new(StringComparer.Ordinal)
    {
        ["normalize"] = (l, x) => l.Normalize(x[0]),
        ["linear_f32"] = (l, x) => l.Linear(x[0]),
        ["linear_dequantized"] = (l, x) => l.Linear(x[0]),
        ["linear_int4"] = (l, x) => l.Linear(x[0]),
        ["linear_int8"] = (l, x) => l.Linear(x[0]),
        ["relu"] = (l, x) => l.Elementwise("Relu", x[0]),
        ["gelu_tanh"] = (l, x) => l.GeluTanh(x[0]),
        ["add"] = (l, x) => l.Add(x[0], x[1]),
        ["concat"] = (l, x) => l.Concat(x),
        ["im2col"] = (l, x) => l.Im2col(x[0]),
        ["patch_gather"] = (l, x) => l.PatchGather(x[0]),
        ["channels_first"] = (l, x) => l.ChannelsFirst(x[0]),
        ["token_sequence"] = (l, x) => l.TokenSequence(x[0], x[1], x[2]),
        ["layer_norm"] = (l, x) => l.LayerNorm(x[0]),
        ["masked_attention"] = (l, x) => l.MaskedAttention(x[0], x[1], x[2], x[3]),
        ["row_slice"] = (l, x) => l.RowSlice(x[0]),
        ["command_select"] = (l, x) => l.CommandSelect(x),
        ["tanh_action"] = (l, x) => l.TanhAction(x[0]),
        ["cilrs_action"] = (l, x) => l.CilrsAction(x[0]),
        ["bin_action"] = (l, x) => l.BinAction(x[0]),
    };

    private static readonly string[] WeightLayers = ["linear_f32", "linear_dequantized", "linear_int4", "linear_int8"];

    private JsonElement _op;
    private string _prefix = "";
    private int _values;

    public static IReadOnlyCollection<string> Kinds => Lowerings.Keys;

    public static bool IsWeightLayer(string kind) => WeightLayers.Contains(kind);

    /// <summary>The ONNX form of op <paramref name="index"/> of <paramref name="kind"/>, reading
    /// <paramref name="inputs"/>.</summary>
    public OnnxValue Lower(string kind, JsonElement op, string prefix, int index, OnnxValue[] inputs)
    {
        if (!Lowerings.TryGetValue(kind, out var lowering))
            throw new NotSupportedException($"op {index} is \"{kind}\", which the ONNX export does not know.");
        (_op, _prefix) = (op, prefix);
        return lowering(this, inputs);
    }

    /// <summary>An int64 shape constant for Reshape.</summary>
    public string Shape(params long[] dims) => Int64s(dims, [dims.Length]);

    private OnnxValue Normalize(OnnxValue x) =>
        x with { Name = Node("Div", [Node("Sub", [x.Name, Floats("mean")]), Floats("std")]) };

    private OnnxValue Elementwise(string type, OnnxValue x) => x with { Name = Node(type, [x.Name]) };

    private OnnxValue Add(OnnxValue x, OnnxValue y) => x with { Name = Node("Add", [x.Name, Shaped(y, x.Shape).Name]) };

    // The engine's order: x + ((k x) x) x, then the product with the tanh term.
    private OnnxValue GeluTanh(OnnxValue x)
    {
        string v = Node("Mul", [x.Name, Scalar(0.044715f)]);
        v = Node("Mul", [v, x.Name]);
        v = Node("Mul", [v, x.Name]);
        v = Node("Add", [v, x.Name]);
        v = Node("Mul", [v, Scalar(0.7978845608028654f)]);
        v = Node("Add", [Node("Tanh", [v]), Scalar(1f)]);
        return x with { Name = Node("Mul", [Node("Mul", [v, x.Name]), Scalar(0.5f)]) };
    }

    // Vectors joined end to end: each as one row [1, n], joined along the columns.
    private OnnxValue Concat(OnnxValue[] inputs)
    {
        var rows = inputs.Select(v => Shaped(v, 1, v.Size).Name).ToArray();
        return new OnnxValue(Node("Concat", rows, n => n.Attribute("axis", 1L)), [1, inputs.Sum(v => v.Size)]);
    }

    // Patches as one gather through the same table as the runtime's (padding reads a zero appended to the input).
    private OnnxValue Im2col(OnnxValue x)
    {
        int channels = Int("channels"), height = Int("height"), width = Int("width"), k = Int("kernel");
        int stride = Int("stride"), padding = Int("padding");
        bool channelsLast = Bool("channels_last");
        int outHeight = (height + 2 * padding - k) / stride + 1, outWidth = (width + 2 * padding - k) / stride + 1;
        long plane = (long)height * width, size = channels * plane, columns = (long)channels * k * k;
        long channelStep = channelsLast ? 1 : plane, pixelStep = channelsLast ? channels : 1;
        var sources = new long[outHeight * outWidth * columns];
        int i = 0;
        for (int oy = 0; oy < outHeight; oy++)
            for (int ox = 0; ox < outWidth; ox++)
                for (int c = 0; c < channels; c++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++)
                        {
                            int iy = oy * stride - padding + ky, ix = ox * stride - padding + kx;
                            sources[i++] = (uint)iy < (uint)height && (uint)ix < (uint)width
                                ? c * channelStep + (iy * width + ix) * pixelStep : size;
                        }
        string padded = Node("Concat", [Shaped(x, size).Name, Floats([0f], [1])], n => n.Attribute("axis", 0L));
        string patches = Node("Gather", [padded, Int64s(sources, [outHeight * outWidth, columns])]);
        return new OnnxValue(patches, [outHeight * outWidth, columns]);
    }

    // [C, H, W] to rows of patches [(H/p)(W/p), C p p]: a reshape and one transpose.
    private OnnxValue PatchGather(OnnxValue x)
    {
        long c = Int("channels"), h = Int("height"), w = Int("width"), p = Int("patch");
        var blocks = Shaped(x, c, h / p, p, w / p, p);
        string rows = Node("Transpose", [blocks.Name], n => n.Attribute("perm", [1L, 3L, 0L, 2L, 4L]));
        return Shaped(new OnnxValue(rows, [h / p, w / p, c, p, p]), h / p * (w / p), c * p * p);
    }

    private OnnxValue ChannelsFirst(OnnxValue x)
    {
        long pixels = Int("pixels"), channels = Int("channels");
        string t = Node("Transpose", [Shaped(x, pixels, channels).Name], n => n.Attribute("perm", [1L, 0L]));
        return new OnnxValue(t, [channels, pixels]);
    }

    private OnnxValue RowSlice(OnnxValue x)
    {
        long rows = Int("rows"), columns = Int("columns"), start = Int("start"), count = Int("count");
        string slice = Node("Slice", [Shaped(x, rows, columns).Name, Int64s([start], [1]), Int64s([start + count], [1]),
            Int64s([0], [1])]);
        return new OnnxValue(slice, [count, columns]);
    }

    /// <summary><paramref name="x"/> with shape <paramref name="dims"/> (a Reshape unless it has it).</summary>
    private OnnxValue Shaped(OnnxValue x, params long[] dims)
    {
        if (x.Shape.SequenceEqual(dims)) return x;
        if (x.Size != dims.Aggregate(1L, (a, b) => a * b))
            throw new InvalidDataException($"{_prefix}: a value of shape [{string.Join(", ", x.Shape)}] read as " +
                $"[{string.Join(", ", dims)}].");
        return x with { Name = Node("Reshape", [x.Name, Shape(dims)]), Shape = dims };
    }

    private string Value() => $"v{_values++}";

    private string Node(string type, IReadOnlyList<string> inputs, Action<OnnxNode>? attributes = null)
    {
        var output = Value();
        var node = graph.AddNode(type, inputs, [output]);
        attributes?.Invoke(node);
        return output;
    }

    private int Int(string name) => _op.GetProperty(name).GetInt32();

    private bool Bool(string name) => _op.GetProperty(name).GetBoolean();

    private bool Has(string name) => tensors.ContainsKey(_prefix + name);

    private Tensor Tensor(string name) => tensors.TryGetValue(_prefix + name, out var t) ? t
        : throw new InvalidDataException($"the file lacks tensor {_prefix}{name}.");

    private float[] FloatData(string name) => Tensor(name).ToArray<float>();

    private string Floats(string name, long[]? shape = null)
    {
        var t = Tensor(name);
        return Floats(t.ToArray<float>(), shape ?? t.ShapeSpan.ToArray().Select(d => (long)d).ToArray());
    }

    private string Floats(float[] data, long[] dims)
    {
        var value = Value();
        graph.AddInitializer<float>(value, OnnxElementType.Float, dims, data);
        return value;
    }

    private string Scalar(float value) => Floats([value], []);

    private string Doubles(double[] data, long[] dims)
    {
        var value = Value();
        graph.AddInitializer<double>(value, OnnxElementType.Double, dims, data);
        return value;
    }

    private string Int64s(long[] data, long[] dims)
    {
        var value = Value();
        graph.AddInitializer<long>(value, OnnxElementType.Int64, dims, data);
        return value;
    }
}

using System.Runtime.InteropServices;

namespace Qail.Onnx;

/// <summary>
/// Builds an ONNX model (ModelProto with one GraphProto) in code and serializes it with a hand-written protobuf
/// encoder: inputs / outputs with static or named dimensions, initializers as raw little-endian data, nodes
/// with attributes, and the opset imports. No dependency beyond the BCL.
/// </summary>
public sealed class OnnxGraph
{
    private readonly List<ProtobufWriter> _inputs = [];
    private readonly List<ProtobufWriter> _outputs = [];
    private readonly List<ProtobufWriter> _initializers = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly HashSet<string> _values = [];

    /// <summary>Starts an empty graph called <paramref name="name"/>.</summary>
    public OnnxGraph(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new ArgumentException("OnnxGraph: name must be non-empty.", nameof(name));
        Name = name;
    }

    /// <summary>Graph name.</summary>
    public string Name { get; }

    /// <summary>
    /// Declares a graph input; a dimension given as a string is symbolic (dim_param), a long is fixed.
    /// </summary>
    public OnnxGraph AddInput(string name, OnnxElementType type, params object[] shape)
    {
        _inputs.Add(ValueInfo(Declare(name), type, shape));
        return this;
    }

    /// <summary>Declares a graph output.</summary>
    public OnnxGraph AddOutput(string name, OnnxElementType type, params object[] shape)
    {
        _outputs.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>Adds a constant tensor (initializer) from unmanaged elements.</summary>
    public OnnxGraph AddInitializer<T>(string name, OnnxElementType type, long[] dims, ReadOnlySpan<T> data)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(dims);
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new ArgumentException($"OnnxGraph.AddInitializer '{name}': negative dimension {d}.",
                    nameof(dims));
            count *= d;
        }
        if (count != data.Length)
            throw new ArgumentException($"OnnxGraph.AddInitializer '{name}': dims [{string.Join(", ", dims)}] hold "
                + $"{count} elements, data has {data.Length}.", nameof(data));
        if (ElementSize(type) != System.Runtime.CompilerServices.Unsafe.SizeOf<T>())
            throw new ArgumentException(
                $"OnnxGraph.AddInitializer '{name}': {typeof(T).Name} does not match element type {type}.",
                nameof(type));
        var t = new ProtobufWriter();
        foreach (var d in dims) t.Int64(1, d);
        t.Int64(2, (long)type).String(8, Declare(name));
        // raw_data is little-endian; this writer only runs on little-endian hosts (x64, ARM64).
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("OnnxGraph: big-endian hosts are not supported.");
        t.Bytes(9, MemoryMarshal.AsBytes(data));
        _initializers.Add(t);
        return this;
    }

    /// <summary>
    /// Adds a 4-bit initializer (<see cref="OnnxElementType.Int4"/> or UInt4) from packed nibbles, low first.
    /// </summary>
    public OnnxGraph AddPackedInt4Initializer(string name, OnnxElementType type, long[] dims, ReadOnlySpan<byte> packed)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (type is not (OnnxElementType.Int4 or OnnxElementType.UInt4))
            throw new ArgumentException($"OnnxGraph.AddPackedInt4Initializer '{name}': {type} is not a 4-bit type.",
                nameof(type));
        long count = dims.Aggregate(1L,
            (a, d) => d >= 0 ? a * d : throw new ArgumentException($"negative dimension {d}.", nameof(dims)));
        if ((count + 1) / 2 != packed.Length)
            throw new ArgumentException($"OnnxGraph.AddPackedInt4Initializer '{name}': {count} nibbles need "
                + $"{(count + 1) / 2} bytes, got {packed.Length}.", nameof(packed));
        var t = new ProtobufWriter();
        foreach (var d in dims) t.Int64(1, d);
        t.Int64(2, (long)type).String(8, Declare(name));
        t.Bytes(9, packed);
        _initializers.Add(t);
        return this;
    }

    /// <summary>Adds a node; returns it so attributes can be attached.</summary>
    public OnnxNode AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        string domain = "", string? name = null)
    {
        if (string.IsNullOrEmpty(opType))
            throw new ArgumentException("OnnxGraph.AddNode: opType must be non-empty.", nameof(opType));
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var o in outputs) Declare(o);
        var node = new OnnxNode(opType, name ?? $"{opType}_{_nodes.Count}", domain ?? "", inputs, outputs);
        _nodes.Add(node);
        return node;
    }

    /// <summary>
    /// Serializes the ModelProto. opsets: (domain, version) pairs, "" for the default domain, e.g.
    /// [("", 21), ("com.microsoft", 1)].
    /// </summary>
    public byte[] ToModel(IReadOnlyList<(string Domain, long Version)> opsets, long irVersion = 9,
        string producer = "qail")
    {
        ArgumentNullException.ThrowIfNull(opsets);
        if (opsets.Count == 0)
            throw new ArgumentException("OnnxGraph.ToModel: at least one opset import is required.", nameof(opsets));
        var graph = new ProtobufWriter();
        foreach (var n in _nodes) graph.Message(1, n.Encode());
        graph.String(2, Name);
        foreach (var i in _initializers) graph.Message(5, i);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        var model = new ProtobufWriter().Int64(1, irVersion).String(2, producer).Message(7, graph);
        foreach (var (domain, version) in opsets)
            model.Message(8, new ProtobufWriter().String(1, domain ?? "").Int64(2, version));
        return model.Written.ToArray();
    }

    private string Declare(string name)
    {
        if (string.IsNullOrEmpty(name))
            throw new ArgumentException("OnnxGraph: value name must be non-empty.", nameof(name));
        if (!_values.Add(name))
            throw new ArgumentException($"OnnxGraph: value '{name}' is defined twice.", nameof(name));
        return name;
    }

    private static ProtobufWriter ValueInfo(string name, OnnxElementType type, object[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var dims = new ProtobufWriter();
        foreach (var d in shape)
        {
            var dim = d switch
            {
                string p when p.Length > 0 => new ProtobufWriter().String(2, p),
                long v when v >= 0 => new ProtobufWriter().Int64(1, v),
                int v when v >= 0 => new ProtobufWriter().Int64(1, v),
                _ =>
                    throw new ArgumentException($"OnnxGraph: dimension '{d}' of '{name}' must be a non-negative "
                        + "int/long or a non-empty name.", nameof(shape)),
            };
            dims.Message(1, dim);
        }
        var tensor = new ProtobufWriter().Int64(1, (long)type).Message(2, dims);
        return new ProtobufWriter().String(1, name).Message(2, new ProtobufWriter().Message(1, tensor));
    }

    private static int ElementSize(OnnxElementType type) => type switch
    {
        OnnxElementType.Float or OnnxElementType.Int32 => 4,
        OnnxElementType.UInt8 or OnnxElementType.Int8 => 1,
        OnnxElementType.Int64 or OnnxElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "OnnxGraph: unsupported element type."),
    };
}

namespace Qail.Onnx;

/// <summary>One ONNX NodeProto: an operator with named inputs, outputs and attributes.</summary>
public sealed class OnnxNode
{
    private readonly List<ProtobufWriter> _attributes = [];

    internal OnnxNode(string opType, string name, string domain, IReadOnlyList<string> inputs,
        IReadOnlyList<string> outputs)
    {
        OpType = opType;
        Name = name;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Operator type, e.g. "MatMulInteger".</summary>
    public string OpType { get; }
    /// <summary>Node name (unique in the graph).</summary>
    public string Name { get; }
    /// <summary>Operator domain: "" for the default ONNX domain, "com.microsoft" for contrib ops.</summary>
    public string Domain { get; }
    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public IReadOnlyList<string> Inputs { get; }
    /// <summary>Output value names.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Adds an INT attribute.</summary>
    public OnnxNode Attribute(string name, long value)
    {
        _attributes.Add(new ProtobufWriter().String(1, CheckName(name)).Int64(20, 2).Int64(3, value));
        return this;
    }

    /// <summary>Adds a FLOAT attribute.</summary>
    public OnnxNode Attribute(string name, float value)
    {
        _attributes.Add(new ProtobufWriter().String(1, CheckName(name)).Int64(20, 1).Float(2, value));
        return this;
    }

    /// <summary>Adds a STRING attribute.</summary>
    public OnnxNode Attribute(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        _attributes.Add(new ProtobufWriter().String(1, CheckName(name)).Int64(20, 3).String(4, value));
        return this;
    }

    /// <summary>Adds an INTS attribute.</summary>
    public OnnxNode Attribute(string name, IReadOnlyList<long> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var a = new ProtobufWriter().String(1, CheckName(name)).Int64(20, 7);
        foreach (var v in values) a.Int64(8, v);
        _attributes.Add(a);
        return this;
    }

    internal ProtobufWriter Encode()
    {
        var node = new ProtobufWriter();
        foreach (var i in Inputs) node.String(1, i);
        foreach (var o in Outputs) node.String(2, o);
        node.String(3, Name).String(4, OpType);
        foreach (var a in _attributes) node.Message(5, a);
        if (Domain.Length > 0) node.String(7, Domain);
        return node;
    }

    private static string CheckName(string name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException("OnnxNode: attribute name must be non-empty.",
            nameof(name)) : name;
}

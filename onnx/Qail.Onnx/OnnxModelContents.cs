namespace Qail.Onnx;

/// <summary>
/// What an ONNX model holds, read from its protobuf without a runtime: the operators (for ONNX Runtime's optimized
/// graph, as SessionOptions.OptimizedModelFilePath writes it, the kernels it runs after its fusions) and the
/// initializers' element types. Reads just the fields it needs: ModelProto.graph (7), GraphProto.node (1) and
/// initializer (5), NodeProto.op_type (4), TensorProto.data_type (2) and name (8).
/// </summary>
public static class OnnxModelContents
{
    /// <summary>How many nodes of each operator type the model's graph has.</summary>
    public static IReadOnlyDictionary<string, int> Operators(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var graph in Fields(model, 7))
            foreach (var node in Fields(graph, 1))
                foreach (var type in Fields(node, 4))
                {
                    var name = System.Text.Encoding.UTF8.GetString(type);
                    counts[name] = counts.GetValueOrDefault(name) + 1;
                }
        return counts;
    }

    /// <summary>"QLinearConv x8, MatMul x3, ..." in decreasing count.</summary>
    public static string DescribeOperators(byte[] model) =>
        string.Join(", ", Operators(model).OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}"));

    /// <summary>Every initializer's name and element type, in the graph's order.</summary>
    public static IReadOnlyList<(string Name, OnnxElementType Type)> Initializers(byte[] model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var list = new List<(string, OnnxElementType)>();
        foreach (var graph in Fields(model, 7))
            foreach (var tensor in Fields(graph, 5))
            {
                var name = Fields(tensor, 8).Select(n => System.Text.Encoding.UTF8.GetString(n)).FirstOrDefault() ?? "";
                list.Add((name, (OnnxElementType)Varints(tensor, 2).FirstOrDefault()));
            }
        return list;
    }

    // The length-delimited values of field `field` in one message.
    private static IEnumerable<byte[]> Fields(byte[] message, int field) =>
        Values(message, field).Where(v => v.Bytes is not null).Select(v => v.Bytes!);

    // The varint values of field `field` in one message.
    private static IEnumerable<ulong> Varints(byte[] message, int field) =>
        Values(message, field).Where(v => v.Bytes is null).Select(v => v.Varint);

    private static IEnumerable<(byte[]? Bytes, ulong Varint)> Values(byte[] message, int field)
    {
        int i = 0;
        while (i < message.Length)
        {
            ulong key = Varint(message, ref i);
            int wire = (int)(key & 7), number = (int)(key >> 3);
            switch (wire)
            {
                case 0:
                    ulong value = Varint(message, ref i);
                    if (number == field) yield return (null, value);
                    break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    int length = (int)Varint(message, ref i);
                    if (length < 0 || length > message.Length - i)
                        throw new InvalidDataException($"protobuf field {number} at byte {i} runs past the message.");
                    if (number == field) yield return (message[i..(i + length)], 0);
                    i += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {wire} at byte {i}.");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (i >= data.Length) throw new InvalidDataException("protobuf varint runs past the message.");
            byte b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException($"protobuf varint longer than 10 bytes at byte {i}.");
    }
}

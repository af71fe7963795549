namespace Qail.Perf.Policies;

/// <summary>
/// The operators of an ONNX model (ORT's optimized graph, as written by SessionOptions.OptimizedModelFilePath), counted
/// by type: which kernels the peer runs after its fusions. Reads just the protobuf fields it needs: ModelProto.graph
/// (7), GraphProto.node (1), NodeProto.op_type (4).
/// </summary>
internal static class OnnxOpCensus
{
    /// <summary>"QLinearConv x8, MatMul x3, ..." in decreasing count.</summary>
    public static string Describe(byte[] model)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var graph in Fields(model, 7))
            foreach (var node in Fields(graph, 1))
                foreach (var type in Fields(node, 4))
                {
                    var name = System.Text.Encoding.UTF8.GetString(type);
                    counts[name] = counts.GetValueOrDefault(name) + 1;
                }
        return string.Join(", ", counts.OrderByDescending(c => c.Value).Select(c => $"{c.Key} x{c.Value}"));
    }

    // The length-delimited values of field `field` in one message.
    private static IEnumerable<byte[]> Fields(byte[] message, int field)
    {
        int i = 0;
        while (i < message.Length)
        {
            ulong key = Varint(message, ref i);
            int wire = (int)(key & 7), number = (int)(key >> 3);
            switch (wire)
            {
                case 0: Varint(message, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    int length = (int)Varint(message, ref i);
                    if (number == field) yield return message[i..(i + length)];
                    i += length;
                    break;
                default: throw new InvalidDataException($"protobuf wire type {wire} at byte {i}.");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = data[i++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}

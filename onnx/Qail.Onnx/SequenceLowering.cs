namespace Qail.Onnx;

/// <summary>
/// The transformer ops: the token sequence (patch rows, state token, action queries, looked-up words, plus
/// positions), layer normalisation of rows, and multi-head attention with padding words' keys masked.
/// </summary>
internal sealed partial class OpLowering
{
    private OnnxValue TokenSequence(OnnxValue patches, OnnxValue state, OnnxValue ids)
    {
        long count = Int("patches"), queries = Int("queries"), words = Int("words"), d = Int("dim");
        long tokens = count + 1 + queries + words;
        string table = Floats(Table("word_table", Int("vocabulary"), d), [Int("vocabulary"), d]);
        string looked = Node("Gather", [table, Indices(ids, words, "token_sequence").Name]);
        string rows = Node("Concat", [Shaped(patches, count, d).Name, Shaped(state, 1, d).Name,
            Floats(Table("queries", queries, d), [queries, d]), looked], n => n.Attribute("axis", 0L));
        return new OnnxValue(Node("Add", [rows, Floats("positions")]), [tokens, d]);
    }

    // An embedding table's rows: fp32, or codes dequantized as the runtime does at load ((code - zero) * scale).
    private float[] Table(string name, long rows, long columns)
    {
        if (Has(name)) return FloatData(name);
        string p = $"{name}_";
        int bits = Int($"{p}bits"), group = Int($"{p}group_size");
        bool symmetric = Bool($"{p}symmetric");
        var codes = Codes(p, rows * columns, bits, symmetric);
        var scales = FloatData($"{p}scales");
        var zeros = symmetric ? null : Tensor($"{p}zero_points").ToArray<int>();
        long groups = columns / group;
        var values = new float[codes.Length];
        for (long r = 0; r < rows; r++)
            for (long k = 0; k < columns; k++)
            {
                long cell = r * groups + k / group;
                values[r * columns + k] = (float)(codes[r * columns + k] - (zeros?[cell] ?? 0)) * scales[cell];
            }
        return values;
    }

    private OnnxValue LayerNorm(OnnxValue x)
    {
        long rows = Int("rows"), features = Int("features");
        float eps = (float)Tensor("eps").ToArray<double>()[0];
        string y = Node("LayerNormalization", [Shaped(x, rows, features).Name, Floats("weight"), Floats("bias")],
            n => n.Attribute("axis", -1L).Attribute("epsilon", eps));
        return new OnnxValue(y, [rows, features]);
    }

    // softmax(q kᵀ / sqrt(dh) + mask) v per head; the mask is -inf on the keys of padding words (id 0).
    private OnnxValue MaskedAttention(OnnxValue q, OnnxValue k, OnnxValue v, OnnxValue ids)
    {
        long prefix = Int("prefix"), words = Int("words"), d = Int("dim"), heads = Int("heads");
        long queries = Int("queries");
        long tokens = prefix + words, dh = d / heads;
        string Heads(OnnxValue x, long rows, long[] perm) =>
            Node("Transpose", [Shaped(x, rows, heads, dh).Name], n => n.Attribute("perm", perm));
        string qh = Heads(q, queries, [1, 0, 2]), kh = Heads(k, tokens, [1, 2, 0]), vh = Heads(v, tokens, [1, 0, 2]);
        string scores = Node("Mul", [Node("MatMul", [qh, kh]), Scalar((float)(1.0 / Math.Sqrt(dh)))]);
        string padding = Node("Equal", [Indices(ids, words, "masked_attention").Name, Int64s([0], [])]);
        string wordMask = Node("Where", [padding, Scalar(float.NegativeInfinity), Scalar(0f)]);
        string mask = Node("Concat", [Floats(new float[prefix], [prefix]), wordMask], n => n.Attribute("axis", 0L));
        string weights = Node("Softmax", [Node("Add", [scores, mask])], n => n.Attribute("axis", -1L));
        string context = Node("Transpose", [Node("MatMul", [weights, vh])], n => n.Attribute("perm", [1L, 0L, 2L]));
        return Shaped(new OnnxValue(context, [queries, heads, dh]), queries, d);
    }

    // Token ids must come straight from the instruction input (as the device executor requires too).
    private OnnxValue Indices(OnnxValue ids, long count, string op) => ids.Integer && ids.Size == count ? ids
        : throw new NotSupportedException($"{_prefix}: {op} reads word ids from an op's output; the ONNX export " +
            "takes them from the instruction input only.");
}

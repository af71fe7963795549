using System.Text.Json;

namespace Qail.Onnx;

/// <summary>
/// Weight layers: linear layers as MatMul over weights stored [inputs, outputs], convolutions (an im2col and the layer
/// reading it) as Conv over [outputs, channels, k, k]. Quantized weights stay codes behind a DequantizeLinear (per
/// output channel for per-channel codes, in blocks of the group size otherwise); a layer with quantized
/// activations quantizes its input with QuantizeLinear / DequantizeLinear, the QDQ form ONNX Runtime runs on its
/// integer kernels.
/// </summary>
internal sealed partial class OpLowering
{
    private string _kind = "";

    /// <summary>A convolution: <paramref name="patches"/> (an im2col) and the weight layer
    /// <paramref name="layer"/> that alone reads it, as one Conv; the output is the runtime's HWC map.</summary>
    public OnnxValue Convolution(JsonElement patches, JsonElement layer, string prefix, OnnxValue x)
    {
        (_op, _prefix) = (patches, prefix);
        long c = Int("channels"), h = Int("height"), w = Int("width"), k = Int("kernel");
        long stride = Int("stride"), padding = Int("padding");
        string input = Bool("channels_last")
            ? Node("Transpose", [Shaped(x, 1, h, w, c).Name], n => n.Attribute("perm", [0L, 3L, 1L, 2L]))
            : Shaped(x, 1, c, h, w).Name;
        long outHeight = (h + 2 * padding - k) / stride + 1, outWidth = (w + 2 * padding - k) / stride + 1;
        (_op, _kind) = (layer, layer.GetProperty("kind").GetString()!);
        long outputs = Int("outputs");
        if (Int("inputs") != c * k * k)
            throw new InvalidDataException($"{prefix}: {Int("inputs")} inputs do not match {c}x{k}x{k} patches.");
        if (_kind == "linear_int8") input = QuantizeInput(input);
        var inputs = new List<string> { input, Weight(outputs, c * k * k, [outputs, c, k, k]) };
        if (Has("bias")) inputs.Add(Floats("bias"));
        string conv = Node("Conv", inputs, n => n.Attribute("kernel_shape", [k, k])
            .Attribute("strides", [stride, stride]).Attribute("pads", [padding, padding, padding, padding]));
        string hwc = Node("Transpose", [conv], n => n.Attribute("perm", [0L, 2L, 3L, 1L]));
        return new OnnxValue(hwc, [1, outHeight, outWidth, outputs]);
    }

    private OnnxValue Linear(OnnxValue x)
    {
        _kind = _op.GetProperty("kind").GetString()!;
        long rows = Int("rows"), inputs = Int("inputs"), outputs = Int("outputs");
        string input = Shaped(x, rows, inputs).Name;
        if (_kind == "linear_int8") input = QuantizeInput(input);
        // Quantized: a Gemm of the two dequantized inputs alone, the float bias added after it: ONNX Runtime fuses
        // DQ -> Gemm into its integer QGemm only when every Gemm input is dequantized (a MatMul + Add becomes a Gemm
        // with a float bias first, which it then runs in float on weights dequantized every call).
        string y = _kind == "linear_int8"
            ? Node("Gemm", [input, Weight(outputs, inputs, null)])
            : Node("MatMul", [input, Weight(outputs, inputs, null)]);
        if (Has("bias")) y = Node("Add", [y, Floats("bias")]);
        return new OnnxValue(y, [rows, outputs]);
    }

    // The weight as floats: transposed to [inputs, outputs] for MatMul (convShape null), or [outputs, c, k, k].
    private string Weight(long rows, long columns, long[]? convShape)
    {
        if (_kind == "linear_f32")
        {
            var w = FloatData("weight");
            return convShape is null ? Floats(Transpose(w, rows, columns), [columns, rows]) : Floats(w, convShape);
        }
        int bits = Int("weight_bits"), group = Int("weight_group_size");
        bool symmetric = Bool("weight_symmetric");
        var codes = Codes("weight_", rows * columns, bits, symmetric);
        var scales = FloatData("weight_scales");
        var zeros = symmetric ? new int[scales.Length] : Tensor("weight_zero_points").ToArray<int>();
        long groups = columns / group;
        if (group == columns)
        {
            // Per channel: DequantizeLinear along the output axis, the form ONNX Runtime fuses into its integer
            // MatMul / Conv (8 bits) or MatMulNBits (4 bits or fewer).
            var weightCodes = convShape is null ? Transpose(codes, rows, columns) : codes;
            long[] dims = convShape ?? [columns, rows];
            return Node("DequantizeLinear", [Blocked(weightCodes, dims, bits, symmetric), Floats(scales, [rows]),
                Blocked(zeros, [rows], bits, symmetric)], n => n.Attribute("axis", convShape is null ? 1L : 0L));
        }
        if (convShape is null)
        {
            // Blocks of the group along the inputs (axis 0 of [inputs, outputs]): the layout of MatMulNBits.
            return Node("DequantizeLinear", [Blocked(Transpose(codes, rows, columns), [columns, rows], bits, symmetric),
                Floats(Transpose(scales, rows, groups), [groups, rows]),
                Blocked(Transpose(zeros, rows, groups), [groups, rows], bits, symmetric)],
                n => n.Attribute("axis", 0L).Attribute("block_size", (long)group));
        }
        string flat = Node("DequantizeLinear", [Blocked(codes, [rows, columns], bits, symmetric),
            Floats(scales, [rows, groups]), Blocked(zeros, [rows, groups], bits, symmetric)],
            n => n.Attribute("axis", 1L).Attribute("block_size", (long)group));
        return Node("Reshape", [flat, Shape(convShape)]);
    }

    // q = clamp(round_half_even(x / s) + zp, qmin, qmax), then back to floats: the runtime's activation codes.
    private string QuantizeInput(string x)
    {
        int bits = Int("input_bits");
        bool symmetric = Bool("input_symmetric");
        string scale = Floats("input_scale", []), zero = Codes8([Int("input_zero_point")], [], symmetric);
        string q = Node("QuantizeLinear", [x, scale, zero]);
        if (bits < 8)
        {
            int qmin = symmetric ? -(1 << (bits - 1)) : 0, qmax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
            q = Node("Clip", [q, Codes8([qmin], [], symmetric), Codes8([qmax], [], symmetric)]);
        }
        return Node("DequantizeLinear", [q, scale, zero]);
    }

    // The codes of a quantized table (tensors and attributes under prefix p) as integers.
    private int[] Codes(string p, long count, int bits, bool symmetric)
    {
        var t = Tensor($"{p}codes");
        if (bits > 4)
            return symmetric
                ? Array.ConvertAll(t.ToArray<sbyte>(), v => (int)v)
                : Array.ConvertAll(t.ToArray<byte>(), v => (int)v);
        var packed = t.ToArray<byte>();
        if (packed.Length != (count + 1) / 2)
            throw new InvalidDataException($"{_prefix}{p}codes holds {packed.Length} bytes for {count} codes.");
        var codes = new int[count];
        for (long i = 0; i < count; i++)
        {
            int nibble = (packed[i >> 1] >> (int)((i & 1) << 2)) & 0xF;
            codes[i] = symmetric ? (nibble ^ 8) - 8 : nibble;
        }
        return codes;
    }

    // 8-bit codes, always uint8: symmetric (int8) codes and their zero point shifted by 128, which dequantizes to
    // the same values. ONNX Runtime's u8 x s8 integer kernel on x86 without VNNI (vpmaddubsw) saturates pairs of
    // products to int16; its u8 x u8 kernel is exact on every CPU.
    private string Codes8(int[] values, long[] dims, bool symmetric)
    {
        var value = Value();
        int offset = symmetric ? 128 : 0;
        graph.AddInitializer<byte>(value, OnnxElementType.UInt8, dims,
            values.Select(v => (byte)(v + offset)).ToArray());
        return value;
    }

    // Codes of 4 bits or fewer as int4 / uint4 nibbles, wider ones as 8-bit.
    private string Blocked(int[] values, long[] dims, int bits, bool symmetric)
    {
        if (bits > 4) return Codes8(values, dims, symmetric);
        var packed = new byte[(values.Length + 1) / 2];
        for (int i = 0; i < values.Length; i++) packed[i >> 1] |= (byte)((values[i] & 0xF) << ((i & 1) << 2));
        var value = Value();
        graph.AddPackedInt4Initializer(value, symmetric ? OnnxElementType.Int4 : OnnxElementType.UInt4, dims, packed);
        return value;
    }

    private static T[] Transpose<T>(T[] matrix, long rows, long columns)
    {
        var t = new T[matrix.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++) t[c * rows + r] = matrix[r * columns + c];
        return t;
    }
}

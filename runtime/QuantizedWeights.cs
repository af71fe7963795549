using Qail.Engine;
using Qail.Kernels.Cpu;

namespace Qail.Runtime;

/// <summary>
/// Integer weight codes of one layer W[Rows, Columns] with a scale (and, asymmetric, a zero point) per group of
/// <see cref="GroupSize"/> consecutive inputs of a row; per-channel is GroupSize = Columns. Value = (code - z) * s,
/// the same float steps as <c>FakeQuantize</c>, so <see cref="Dequantize"/> equals the fake-quant weight bit for bit.
/// </summary>
internal sealed class QuantizedWeights
{
    public QuantizedWeights(int bits, bool symmetric, int rows, int columns, int groupSize, int[] codes, float[] scales,
        int[]? zeroPoints, string where)
    {
        if (bits is < 2 or > 8) throw Bad(where, $"weight bits {bits} must lie in 2..8.");
        if (rows < 1 || columns < 1) throw Bad(where, $"weight shape [{rows}, {columns}] must be positive.");
        if (groupSize < 1 || columns % groupSize != 0)
            throw Bad(where, $"group size {groupSize} does not divide {columns} inputs.");
        (Bits, Symmetric, Rows, Columns, GroupSize) = (bits, symmetric, rows, columns, groupSize);
        if (codes.Length != (long)rows * columns)
            throw Bad(where, $"{codes.Length} weight codes for shape [{rows}, {columns}].");
        if (scales.Length != rows * GroupsPerRow)
            throw Bad(where, $"{scales.Length} weight scales, expected {rows * GroupsPerRow}.");
        if (symmetric != zeroPoints is null)
            throw Bad(where,
                symmetric ? "symmetric weights carry zero points." : "asymmetric weights lack zero points.");
        if (zeroPoints is not null && zeroPoints.Length != scales.Length)
            throw Bad(where, $"{zeroPoints.Length} weight zero points, expected {scales.Length}.");
        for (int i = 0; i < scales.Length; i++)
            if (!(scales[i] > 0) || !float.IsFinite(scales[i]))
                throw Bad(where, $"weight scale {i} = {scales[i]} must be finite and > 0.");
        for (int i = 0; i < codes.Length; i++)
            if (codes[i] < QMin || codes[i] > QMax)
                throw Bad(where, $"weight code {i} = {codes[i]} lies outside {QMin}..{QMax}.");
        if (zeroPoints is not null)
            for (int i = 0; i < zeroPoints.Length; i++)
                if (zeroPoints[i] < QMin || zeroPoints[i] > QMax)
                    throw Bad(where, $"weight zero point {i} = {zeroPoints[i]} lies outside {QMin}..{QMax}.");
        (Codes, Scales, ZeroPoints) = (codes, scales, zeroPoints);
    }

    public int Bits { get; }
    public bool Symmetric { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int GroupSize { get; }
    public int GroupsPerRow => Columns / GroupSize;
    public int QMin => Symmetric ? -(1 << (Bits - 1)) : 0;
    public int QMax => Symmetric ? (1 << (Bits - 1)) - 1 : (1 << Bits) - 1;

    /// <summary>Codes, row-major [Rows, Columns].</summary>
    public int[] Codes { get; }

    /// <summary>Scales [Rows, GroupsPerRow].</summary>
    public float[] Scales { get; }

    /// <summary>Zero points [Rows, GroupsPerRow], null when symmetric.</summary>
    public int[]? ZeroPoints { get; }

    public int ZeroPoint(int row, int group) => ZeroPoints?[row * GroupsPerRow + group] ?? 0;

    /// <summary>
    /// Bytes as stored: codes packed to 4 bits when Bits &lt;= 4 (else one byte), scales, zero points.
    /// </summary>
    public long StoredBytes => CodeBytes + 4L * Scales.Length + (ZeroPoints is null ? 0 : 4L * ZeroPoints.Length);

    private long CodeBytes => Bits <= 4 ? ((long)Codes.Length + 1) / 2 : Codes.Length;

    /// <summary>
    /// Quantizes fp32 weights with given scales and zero points exactly as FakeQuantize does: clamp(round_half_even(w /
    /// s) + z).
    /// </summary>
    public static QuantizedWeights Quantize(ReadOnlySpan<float> weights, int bits, bool symmetric, int rows,
        int columns, int groupSize,
        float[] scales, int[]? zeroPoints, string where)
    {
        int qMin = symmetric ? -(1 << (bits - 1)) : 0, qMax = symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        var codes = new int[weights.Length];
        int groups = columns / groupSize;
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < columns; k++)
            {
                int cell = r * groups + k / groupSize;
                float w = weights[r * columns + k];
                if (!float.IsFinite(w)) throw Bad(where, $"weight [{r}, {k}] = {w} is not finite.");
                codes[r * columns + k] = QuantizeLinear.One(w, scales[cell], zeroPoints?[cell] ?? 0, qMin, qMax);
            }
        return new QuantizedWeights(bits, symmetric, rows, columns, groupSize, codes, scales, zeroPoints, where);
    }

    /// <summary>fp32 weights [Rows, Columns]: (code - z) * s.</summary>
    public float[] Dequantize()
    {
        var w = new float[Codes.Length];
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < Columns; k++)
            {
                int cell = r * GroupsPerRow + k / GroupSize;
                w[r * Columns + k] = (float)(Codes[r * Columns + k] - (ZeroPoints?[cell] ?? 0)) * Scales[cell];
            }
        return w;
    }

    /// <summary>Adds the attributes and tensors (codes, scales, zero points) under <paramref name="prefix"/>.</summary>
    public void Write(OpWriter writer, string prefix)
    {
        writer.Attribute($"{prefix}bits", Bits);
        writer.Attribute($"{prefix}symmetric", Symmetric);
        writer.Attribute($"{prefix}group_size", GroupSize);
        writer.Tensor($"{prefix}codes", CodeTensor());
        writer.Tensor($"{prefix}scales", Tensor.From<float>(Scales, [Rows, GroupsPerRow]));
        if (ZeroPoints is not null)
            writer.Tensor($"{prefix}zero_points", Tensor.From<int>(ZeroPoints, [Rows, GroupsPerRow]));
    }

    /// <summary>Reads what <see cref="Write"/> wrote for a [rows, columns] weight, validating every value.</summary>
    public static QuantizedWeights Read(OpReader reader, string prefix, int rows, int columns)
    {
        int bits = reader.Int($"{prefix}bits", 2, 8);
        bool symmetric = reader.Bool($"{prefix}symmetric");
        int groupSize = reader.Int($"{prefix}group_size", 1, columns);
        if (columns % groupSize != 0)
            throw reader.Problem($"{prefix}group_size {groupSize} does not divide {columns} inputs.");
        int groups = columns / groupSize;
        long count = (long)rows * columns;
        int[] codes;
        if (bits <= 4)
        {
            var packed = reader.Tensor($"{prefix}codes", DType.UInt8, [(int)((count + 1) / 2)]).AsSpan<byte>();
            codes = new int[count];
            for (long i = 0; i < count; i++)
            {
                int nibble = GroupwiseInt4Weights.Nibble(packed, i);
                codes[i] = symmetric ? (nibble ^ 8) - 8 : nibble;
            }
        }
        else if (symmetric)
            codes = Array.ConvertAll(reader.Tensor($"{prefix}codes", DType.Int8, [rows, columns]).ToArray<sbyte>(),
                v => (int)v);
        else
            codes = Array.ConvertAll(reader.Tensor($"{prefix}codes", DType.UInt8, [rows, columns]).ToArray<byte>(),
                v => (int)v);
        var scales = reader.Tensor($"{prefix}scales", DType.Float32, [rows, groups]).ToArray<float>();
        var zeros = symmetric
            ? null : reader.Tensor($"{prefix}zero_points", DType.Int32, [rows, groups]).ToArray<int>();
        return new QuantizedWeights(bits, symmetric, rows, columns, groupSize, codes, scales, zeros, reader.Where);
    }

    private Tensor CodeTensor()
    {
        if (Bits <= 4)
        {
            var packed = new byte[CodeBytes];
            for (long i = 0; i < Codes.Length; i++) GroupwiseInt4Weights.SetNibble(packed, i, Codes[i]);
            return Tensor.From<byte>(packed, [packed.Length]);
        }
        return Symmetric
            ? Tensor.From<sbyte>(Array.ConvertAll(Codes, c => (sbyte)c), [Rows, Columns])
            : Tensor.From<byte>(Array.ConvertAll(Codes, c => (byte)c), [Rows, Columns]);
    }

    private static ArgumentException Bad(string where, string message) => new($"{where}: {message}");
}

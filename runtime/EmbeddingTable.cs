using Qail.Engine;

namespace Qail.Runtime;

/// <summary>
/// A lookup table [Count, Dim] of a deployed op: fp32 rows, or weight codes (a fake-quantized embedding) stored packed
/// and dequantized once at load to the fake-quant rows bit for bit.
/// </summary>
internal sealed class EmbeddingTable
{
    private readonly QuantizedWeights? _codes;

    public EmbeddingTable(float[] rows, int count, int dim, string where)
    {
        if (count < 1 || dim < 1 || rows.Length != (long)count * dim)
            throw new ArgumentException($"{where}: {rows.Length} values do not fill a table [{count}, {dim}].");
        for (int i = 0; i < rows.Length; i++)
            if (!float.IsFinite(rows[i]))
                throw new ArgumentException($"{where}: table value {i} = {rows[i]} is not finite.");
        (Rows, Count, Dim) = (rows, count, dim);
    }

    public EmbeddingTable(QuantizedWeights codes)
    {
        (_codes, Rows, Count, Dim) = (codes, codes.Dequantize(), codes.Rows, codes.Columns);
    }

    /// <summary>The table's values, row-major [Count, Dim].</summary>
    public float[] Rows { get; }

    public int Count { get; }
    public int Dim { get; }

    public long StoredBytes => _codes?.StoredBytes ?? 4L * Rows.Length;

    /// <summary>"fp32" or "W4 codes", for logs.</summary>
    public string Describe() => _codes is null ? "fp32" : $"W{_codes.Bits} codes";

    public ReadOnlySpan<float> Row(int index) => Rows.AsSpan(index * Dim, Dim);

    /// <summary>
    /// Writes the fp32 table as tensor <paramref name="name"/>, or the codes under "<paramref name="name"/>_".
    /// </summary>
    public void Write(OpWriter writer, string name)
    {
        if (_codes is null) writer.Tensor(name, Tensor.From<float>(Rows, [Count, Dim]));
        else _codes.Write(writer, $"{name}_");
    }

    public static EmbeddingTable Read(OpReader reader, string name, int count, int dim) => reader.Has(name)
        ? new EmbeddingTable(reader.Finite(name, [count, dim]), count, dim, reader.Where)
        : new EmbeddingTable(QuantizedWeights.Read(reader, $"{name}_", count, dim));
}

namespace Qail.Kernels.Cpu;

/// <summary>
/// Group-wise int4 weights repacked once into the layout the int4 kernels read. Each 32-element chunk of a
/// group becomes 16 bytes whose low nibbles hold elements 0..15 and high nibbles elements 16..31 (ggml's Q4
/// order), so a SIMD unpack is one AND and one shift, with no interleave. Codes are stored unsigned
/// (symmetric q + 8, asymmetric q) and each group keeps its offset (8, or the zero point), so every kernel
/// computes sum((u - offset) * x) = sum(u*x) - offset*sum(x) with u*x products small enough (15*127) for
/// pmaddubsw never to saturate.
/// </summary>
public sealed class PackedInt4Weights
{
    internal readonly byte[] Chunks;
    internal readonly float[] GroupScales;
    internal readonly int[] GroupOffsets;

    /// <summary>The canonical weights this was packed from.</summary>
    public GroupwiseInt4Weights Source { get; }
    /// <summary>N: output features.</summary>
    public int Rows => Source.Rows;
    /// <summary>K: input features.</summary>
    public int Columns => Source.Columns;
    /// <summary>G: group size along K.</summary>
    public int GroupSize => Source.GroupSize;

    /// <summary>Repacks canonical int4 weights for the kernels (done once per weight tensor).</summary>
    public PackedInt4Weights(GroupwiseInt4Weights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Source = weights;
        int n = weights.Rows, k = weights.Columns, groups = weights.GroupsPerRow;
        Chunks = new byte[(long)n * k / 2];
        GroupScales = (float[])weights.Scales.Clone();
        GroupOffsets = new int[n * groups];
        for (var row = 0; row < n; row++)
        {
            for (var g = 0; g < groups; g++)
                GroupOffsets[row * groups + g] = weights.IsSymmetric ? 8 : weights.ZeroPoint(row, g);
            for (var c = 0; c < k / 32; c++)
            {
                var dst = ((long)row * k + c * 32) / 2;
                for (var j = 0; j < 16; j++)
                {
                    var lo = Unsigned(weights, row, c * 32 + j);
                    var hi = Unsigned(weights, row, c * 32 + 16 + j);
                    Chunks[dst + j] = (byte)(lo | (hi << 4));
                }
            }
        }
    }

    private static int Unsigned(GroupwiseInt4Weights w, int row, int col)
    {
        var q = w.Code(row, col);
        return w.IsSymmetric ? q + 8 : q;
    }
}

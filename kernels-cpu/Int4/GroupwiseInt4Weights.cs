namespace Qail.Kernels.Cpu;

/// <summary>
/// The canonical group-wise int4 weight format shared by the CPU kernels, the CUDA/OpenCL kernels and the
/// export. Weights W[N, K] (N = <see cref="Rows"/> outputs, K = <see cref="Columns"/> inputs, row-major) are
/// quantized in groups of <see cref="GroupSize"/> (32, 64 or 128; K % GroupSize == 0) consecutive elements
/// along K. Codes are 4-bit, two per byte, LOW nibble first: element (n, k) lives in byte (n*K + k)/2, in the
/// low nibble when k is even. Scales are float[N, K/G].
/// Symmetric (<see cref="ZeroPoints"/> null): codes are signed -8..7 (two's-complement nibble) and
/// value = Scales[n, k/G] * q. Asymmetric: codes are unsigned 0..15 with a per-group zero point z in 0..15,
/// stored packed the same way (group (n, g) in byte (n*(K/G) + g)/2, low nibble first), value = scale * (q - z).
/// </summary>
public sealed class GroupwiseInt4Weights
{
    /// <summary>Packed 4-bit codes, length N*K/2.</summary>
    public byte[] Codes { get; }
    /// <summary>Per-group scales, float[N, K/G] row-major.</summary>
    public float[] Scales { get; }
    /// <summary>Packed 4-bit per-group zero points (length ceil(N*(K/G)/2)); null for symmetric codes.</summary>
    public byte[]? ZeroPoints { get; }
    /// <summary>N: output features (rows of W).</summary>
    public int Rows { get; }
    /// <summary>K: input features (columns of W), a multiple of <see cref="GroupSize"/>.</summary>
    public int Columns { get; }
    /// <summary>G: elements per quantization group along K (32, 64 or 128).</summary>
    public int GroupSize { get; }

    /// <summary>True when codes are signed and there are no zero points.</summary>
    public bool IsSymmetric => ZeroPoints is null;
    /// <summary>Groups per row, K / G.</summary>
    public int GroupsPerRow => Columns / GroupSize;

    /// <summary>Wraps (without copying) arrays in the canonical layout after checking every length and scale.</summary>
    public GroupwiseInt4Weights(byte[] codes, float[] scales, byte[]? zeroPoints, int rows, int columns, int groupSize)
    {
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(scales);
        CheckShape(rows, columns, groupSize);
        if (codes.Length != (long)rows * columns / 2)
            throw new ArgumentException($"GroupwiseInt4Weights: codes length {codes.Length} != N*K/2 = "
                + $"{(long)rows * columns / 2} for [{rows}, {columns}].", nameof(codes));
        var groups = (long)rows * (columns / groupSize);
        if (scales.Length != groups)
            throw new ArgumentException($"GroupwiseInt4Weights: scales length {scales.Length} != N*K/G = {groups}.",
                nameof(scales));
        for (var i = 0; i < scales.Length; i++)
            if (!float.IsFinite(scales[i]) || scales[i] <= 0)
                throw new ArgumentException($"GroupwiseInt4Weights: scales[{i}] = {scales[i]} must be finite and > 0.",
                    nameof(scales));
        if (zeroPoints is not null && zeroPoints.Length != (groups + 1) / 2)
            throw new ArgumentException($"GroupwiseInt4Weights: zeroPoints length {zeroPoints.Length} != ceil(N*K/G/2) "
                + $"= {(groups + 1) / 2}.", nameof(zeroPoints));
        Codes = codes;
        Scales = scales;
        ZeroPoints = zeroPoints;
        Rows = rows;
        Columns = columns;
        GroupSize = groupSize;
    }

    /// <summary>Throws unless rows, columns &gt;= 1, groupSize is 32, 64 or 128 and divides columns.</summary>
    public static void CheckShape(int rows, int columns, int groupSize)
    {
        if (groupSize is not (32 or 64 or 128))
            throw new ArgumentException($"GroupwiseInt4Weights: groupSize {groupSize} must be 32, 64 or 128.",
                nameof(groupSize));
        if (rows < 1)
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "GroupwiseInt4Weights: rows must be >= 1.");
        if (columns < 1 || columns % groupSize != 0)
            throw new ArgumentException($"GroupwiseInt4Weights: columns (K) {columns} must be a positive multiple of "
                + $"groupSize {groupSize}.", nameof(columns));
    }

    /// <summary>
    /// Quantizes fp32 W[rows, columns]. Symmetric: scale = max|w| / 7 per group, codes round_half_to_even(w/scale)
    /// in -7..7 (-8 is valid in the format but never produced, keeping the grid symmetric). Asymmetric: the group's
    /// [min, max] (widened to include 0) maps to codes 0..15 with zero point round_half_to_even(-min/scale).
    /// An all-zero group gets scale 1.
    /// </summary>
    public static GroupwiseInt4Weights Quantize(ReadOnlySpan<float> weights, int rows, int columns, int groupSize,
        bool symmetric)
    {
        CheckShape(rows, columns, groupSize);
        if (weights.Length != (long)rows * columns)
            throw new ArgumentException($"GroupwiseInt4Weights.Quantize: weights length {weights.Length} != "
                + $"rows*columns = {(long)rows * columns}.", nameof(weights));
        var groupsPerRow = columns / groupSize;
        var codes = new byte[(long)rows * columns / 2];
        var scales = new float[rows * groupsPerRow];
        var zeros = symmetric ? null : new byte[(rows * groupsPerRow + 1) / 2];
        for (var g = 0; g < scales.Length; g++)
        {
            var block = weights.Slice(g * groupSize, groupSize);
            QuantizationParameters p;
            if (symmetric)
            {
                var absMax = 0f;
                foreach (var w in block) absMax = MathF.Max(absMax, MathF.Abs(w));
                p = QuantizationParameters.Symmetric(absMax, 7);
            }
            else
            {
                float min = float.PositiveInfinity, max = float.NegativeInfinity;
                foreach (var w in block) { min = MathF.Min(min, w); max = MathF.Max(max, w); }
                p = QuantizationParameters.Asymmetric(min, max, 0, 15);
                SetNibble(zeros!, g, p.ZeroPoint);
            }
            scales[g] = p.Scale;
            for (var i = 0; i < groupSize; i++) SetNibble(codes, (long)g * groupSize + i, p.Quantize(block[i]));
        }
        return new GroupwiseInt4Weights(codes, scales, zeros, rows, columns, groupSize);
    }

    /// <summary>The code of element (row, column): -8..7 when symmetric, 0..15 when asymmetric.</summary>
    public int Code(int row, int column)
    {
        var nibble = Nibble(Codes, (long)row * Columns + column);
        return IsSymmetric ? (nibble ^ 8) - 8 : nibble;
    }

    /// <summary>The zero point of group (row, group): 0 when symmetric.</summary>
    public int ZeroPoint(int row, int group) =>
        ZeroPoints is null ? 0 : Nibble(ZeroPoints, (long)row * GroupsPerRow + group);

    /// <summary>Dequantizes to fp32 W[N, K]: value = scale * (q - z).</summary>
    public void Dequantize(Span<float> weights)
    {
        if (weights.Length != (long)Rows * Columns)
            throw new ArgumentException(
                $"GroupwiseInt4Weights.Dequantize: weights length {weights.Length} != {(long)Rows * Columns}.",
                nameof(weights));
        for (var n = 0; n < Rows; n++)
            for (var k = 0; k < Columns; k++)
            {
                var g = k / GroupSize;
                weights[n * Columns + k] = Scales[n * GroupsPerRow + g] * (Code(n, k) - ZeroPoint(n, g));
            }
    }

    /// <summary>Reads nibble i of a low-nibble-first packed array.</summary>
    public static int Nibble(ReadOnlySpan<byte> packed, long i) => (packed[(int)(i >> 1)] >> (int)((i & 1) << 2)) & 0xF;

    /// <summary>
    /// Writes the low 4 bits of <paramref name="value"/> as nibble i of a low-nibble-first packed array.
    /// </summary>
    public static void SetNibble(Span<byte> packed, long i, int value)
    {
        var shift = (int)((i & 1) << 2);
        ref var b = ref packed[(int)(i >> 1)];
        b = (byte)((b & ~(0xF << shift)) | ((value & 0xF) << shift));
    }
}

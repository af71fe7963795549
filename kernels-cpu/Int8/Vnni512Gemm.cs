using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The int8 GEMM on the generated 512-bit VNNI kernels (<see cref="Vnni512MicroKernels"/>), one and many rows alike:
/// activations are packed once into groups of up to 8 rows, interleaved 4 bytes at a time and biased to unsigned
/// (a + 128 of the signed form), then every (row block, panel group) tile runs one generated call per row group,
/// which starts from the zero-point correction of <see cref="Int8Gemm"/> and stores into C (whole tiles) or into a
/// scratch tile copied out (the last, partial panel); a float output is rescaled tile by tile from the scratch tile
/// while it is in L1 (<see cref="TileOutput"/>), and no int32 matrix is written.
/// </summary>
internal static unsafe class Vnni512Gemm
{
    private const int Rows = Vnni512MicroKernels.Rows;
    private const int Panels = Vnni512MicroKernels.Panels;
    private const int Width = PackedInt8Weights.PanelWidth;

    // 128 rows of packed activations (128 KiB at K = 1024) stay in L2 while a panel group streams past them.
    private const int RowBlock = 16 * Rows;

    private const int StackBytes = 16 * 1024;

    // Below this many multiply-adds the call stays on the calling thread.
    private const long ThreadingThreshold = 1L << 21;

    [ThreadStatic] private static byte[]? t_packed;
    [ThreadStatic] private static int[]? t_rowTerms;
    [ThreadStatic] private static int[]? t_columnTerms;

    /// <summary>
    /// C = (A - aZero) * (W - wZero)^T, m rows of int8 (uint8 if <paramref name="unsignedA"/>) activations.
    /// </summary>
    public static void Multiply(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, int* c, int threads) =>
        Multiply(a, unsignedA, m, aZero, w, new TileOutput { C = c }, threads);

    /// <summary>
    /// The product as <see cref="Multiply(sbyte*, bool, int, int, PackedInt8Weights, int*, int)"/>, into
    /// <paramref name="output"/>.
    /// </summary>
    public static void Multiply(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, TileOutput output,
        int threads)
    {
        int k = w.Inputs, kp = w.PaddedInputs;
        var bytes = (long)m * kp;
        if (bytes > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(m), m, $"Int8Gemm: m {m} * K {kp} exceeds an array.");
        var packed = bytes <= StackBytes
            ? stackalloc byte[(int)bytes]
            : ThreadScratch.AtLeast(ref t_packed, (int)bytes);
        var rowTerms = m <= 1024 ? stackalloc int[m] : ThreadScratch.AtLeast(ref t_rowTerms, m);
        var columns = w.PanelCount * Width;
        var columnTerms = columns <= 1024 ? stackalloc int[columns] : ThreadScratch.AtLeast(ref t_columnTerms, columns);
        fixed (byte* pk = packed)
        fixed (int* terms = rowTerms, columnTerm = columnTerms)
        fixed (sbyte* panels = w.Panels)
        fixed (int* colSums = w.ColumnSums, zeroPoints = w.ZeroPointsPerOutput)
        {
            for (var r = 0; r < m; r += Rows)
            {
                var groupRows = Math.Min(Rows, m - r);
                var dst = pk + (long)r * kp;
                // Whole 8-row groups interleave 32 bytes of each row at a time by a transpose; the rest word by word.
                // rowTerm = K * aZero - rowSum, the transposed part's sums first.
                for (var i = 0; i < groupRows; i++) terms[r + i] = k * aZero;
                var transpose = groupRows == Rows && Avx2.IsSupported;
                var done = transpose ? Transpose8(a + (long)r * k, k, dst, unsignedA, terms + r) : 0;
                for (var i = 0; i < groupRows; i++)
                    terms[r + i] -= PackWords(a + (long)(r + i) * k, unsignedA, k, done, dst + 4 * i, 4 * groupRows);
            }
            // c = T + colFactor * colsum + zw * (K * aZero - rowSum); vpdpbusd's extra 128 * colsum goes with it.
            var colFactor = (unsignedA ? 128 : 0) - aZero - 128;
            for (var j = 0; j < columns; j++) columnTerm[j] = colFactor * colSums[j];
            var job = new Job(pk, kp, m, w.Outputs, w.PanelCount, panels, terms, columnTerm, zeroPoints, output);
            var tiles = job.Tiles;
            var parts = (long)m * w.Outputs * k < ThreadingThreshold ? 1 : Math.Min(threads, tiles);
            WorkerPool.Run(parts, job);
        }
    }

    // Writes one row's steps from `first` on into its group's interleaved slots (4 bytes per step, `stride` bytes
    // apart) as unsigned a + 128 of the signed form, padding K with zeros; returns the sum of those original values.
    private static int PackWords(sbyte* src, bool unsignedA, int k, int first, byte* dst, int stride)
    {
        // uint8 a: (a - 128) + 128 = a; int8 a: a + 128 = a with its top bit flipped.
        var flip = unsignedA ? 0u : 0x80808080u;
        var q = first;
        for (; 4 * q + 4 <= k; q++) *(uint*)(dst + (long)q * stride) = *(uint*)(src + 4 * q) ^ flip;
        if (4 * q < k)
        {
            uint last = 0;
            for (var i = 4 * q; i < k; i++) last |= (uint)(byte)src[i] << (8 * (i - 4 * q));
            *(uint*)(dst + (long)q * stride) = last ^ (flip >> (8 * (4 - (k - 4 * q))));
        }
        var from = 4 * first;
        return unsignedA ? SumUnsigned((byte*)src + from, k - from) : SumSigned(src + from, k - from);
    }

    // Interleaves 8 rows 8 steps (32 bytes per row) at a time: an 8 x 8 transpose of 4-byte words. Subtracts the
    // rows' sums over those steps from rowTerms and returns the steps done.
    private static int Transpose8(sbyte* src, int k, byte* dst, bool unsignedA, int* rowTerms)
    {
        var flip = Vector256.Create(unsignedA ? (byte)0 : (byte)0x80);
        // Sums of the biased bytes (vpsadbw against zero: four 64-bit partial sums per row).
        Vector256<ulong> s0 = default, s1 = default, s2 = default, s3 = default;
        Vector256<ulong> s4 = default, s5 = default, s6 = default, s7 = default;
        var q = 0;
        for (; 4 * q + 32 <= k; q += 8)
        {
            var s = (byte*)src + 4 * q;
            var r0 = Row(s, 0, k, flip);
            var r1 = Row(s, 1, k, flip);
            var r2 = Row(s, 2, k, flip);
            var r3 = Row(s, 3, k, flip);
            var r4 = Row(s, 4, k, flip);
            var r5 = Row(s, 5, k, flip);
            var r6 = Row(s, 6, k, flip);
            var r7 = Row(s, 7, k, flip);
            s0 += Sad(r0); s1 += Sad(r1); s2 += Sad(r2); s3 += Sad(r3);
            s4 += Sad(r4); s5 += Sad(r5); s6 += Sad(r6); s7 += Sad(r7);
            var t0 = Avx2.UnpackLow(r0, r1);
            var t1 = Avx2.UnpackHigh(r0, r1);
            var t2 = Avx2.UnpackLow(r2, r3);
            var t3 = Avx2.UnpackHigh(r2, r3);
            var t4 = Avx2.UnpackLow(r4, r5);
            var t5 = Avx2.UnpackHigh(r4, r5);
            var t6 = Avx2.UnpackLow(r6, r7);
            var t7 = Avx2.UnpackHigh(r6, r7);
            var u0 = Avx2.UnpackLow(t0.AsUInt64(), t2.AsUInt64());
            var u1 = Avx2.UnpackHigh(t0.AsUInt64(), t2.AsUInt64());
            var u2 = Avx2.UnpackLow(t1.AsUInt64(), t3.AsUInt64());
            var u3 = Avx2.UnpackHigh(t1.AsUInt64(), t3.AsUInt64());
            var u4 = Avx2.UnpackLow(t4.AsUInt64(), t6.AsUInt64());
            var u5 = Avx2.UnpackHigh(t4.AsUInt64(), t6.AsUInt64());
            var u6 = Avx2.UnpackLow(t5.AsUInt64(), t7.AsUInt64());
            var u7 = Avx2.UnpackHigh(t5.AsUInt64(), t7.AsUInt64());
            var d = dst + 32L * q;
            Avx2.Permute2x128(u0, u4, 0x20).Store((ulong*)d);
            Avx2.Permute2x128(u1, u5, 0x20).Store((ulong*)(d + 32));
            Avx2.Permute2x128(u2, u6, 0x20).Store((ulong*)(d + 64));
            Avx2.Permute2x128(u3, u7, 0x20).Store((ulong*)(d + 96));
            Avx2.Permute2x128(u0, u4, 0x31).Store((ulong*)(d + 128));
            Avx2.Permute2x128(u1, u5, 0x31).Store((ulong*)(d + 160));
            Avx2.Permute2x128(u2, u6, 0x31).Store((ulong*)(d + 192));
            Avx2.Permute2x128(u3, u7, 0x31).Store((ulong*)(d + 224));
        }
        // The biased byte is a (uint8) or a + 128 (int8).
        var bias = unsignedA ? 0 : 128 * 4 * q;
        rowTerms[0] -= (int)Vector256.Sum(s0) - bias; rowTerms[1] -= (int)Vector256.Sum(s1) - bias;
        rowTerms[2] -= (int)Vector256.Sum(s2) - bias; rowTerms[3] -= (int)Vector256.Sum(s3) - bias;
        rowTerms[4] -= (int)Vector256.Sum(s4) - bias; rowTerms[5] -= (int)Vector256.Sum(s5) - bias;
        rowTerms[6] -= (int)Vector256.Sum(s6) - bias; rowTerms[7] -= (int)Vector256.Sum(s7) - bias;
        return q;
    }

    private static Vector256<ulong> Sad(Vector256<uint> bytes) =>
        Avx2.SumAbsoluteDifferences(bytes.AsByte(), Vector256<byte>.Zero).AsUInt64();

    private static Vector256<uint> Row(byte* s, int row, int k, Vector256<byte> flip) =>
        (Vector256.Load(s + (long)row * k) ^ flip).AsUInt32();

    private static int SumUnsigned(byte* src, int k)
    {
        var sum = Vector128<uint>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var (lo, hi) = Vector128.Widen(Vector128.Load(src + p));
            var (l0, l1) = Vector128.Widen(lo);
            var (h0, h1) = Vector128.Widen(hi);
            sum += (l0 + l1) + (h0 + h1);
        }
        var total = (int)Vector128.Sum(sum);
        for (; p < k; p++) total += src[p];
        return total;
    }

    private static int SumSigned(sbyte* src, int k)
    {
        var sum = Vector128<int>.Zero;
        var p = 0;
        for (; p + 16 <= k; p += 16)
        {
            var (lo, hi) = Vector128.Widen(Vector128.Load(src + p));
            var (l0, l1) = Vector128.Widen(lo);
            var (h0, h1) = Vector128.Widen(hi);
            sum += (l0 + l1) + (h0 + h1);
        }
        var total = Vector128.Sum(sum);
        for (; p < k; p++) total += src[p];
        return total;
    }

    private readonly struct Job(byte* a, int kp, int m, int n, int panelCount, sbyte* panels, int* rowTerms,
        int* columnTerms, int* zeroPoints, TileOutput output) : IPartitionedJob
    {
        private int PanelGroups => (panelCount + Panels - 1) / Panels;

        /// <summary>(row block, panel group) tiles, row blocks outermost.</summary>
        public int Tiles => (m + RowBlock - 1) / RowBlock * PanelGroups;

        public void Part(int part, int parts)
        {
            var tiles = Tiles;
            var groups = PanelGroups;
            int first = (int)((long)tiles * part / parts), last = (int)((long)tiles * (part + 1) / parts);
            var t = stackalloc int[Rows * Panels * Width];
            var steps = kp / 4;
            var panelBytes = (long)Width * kp;
            var call = new Vnni512MicroKernels.Call { PanelStride = panelBytes };
            var floats = output.Y != null;
            for (var tile = first; tile < last; tile++)
            {
                var r0 = tile / groups * RowBlock;
                var p0 = tile % groups * Panels;
                var tilePanels = Math.Min(Panels, panelCount - p0);
                var n0 = p0 * Width;
                var cols = Math.Min(tilePanels * Width, n - n0);
                // Whole tiles of int32 sums go straight into C; float results and a partial last panel go through
                // the stack tile, rescaled from there while it is in L1.
                var direct = !floats && cols == tilePanels * Width;
                var stride = tilePanels * Width;
                call.Panel = panels + p0 * panelBytes;
                call.ColumnTerms = columnTerms + n0;
                call.ZeroPoints = zeroPoints + n0;
                call.RowStride = direct ? 4L * n : 4L * stride;
                for (var r = r0; r < Math.Min(m, r0 + RowBlock); r += Rows)
                {
                    var rows = Math.Min(Rows, m - r);
                    var at = (long)r * n + n0;
                    call.A = a + (long)r * kp;
                    call.RowTerms = rowTerms + r;
                    call.T = direct ? output.C + at : t;
                    Vnni512MicroKernels.Run(rows, tilePanels, steps, ref call);
                    if (direct) continue;
                    if (floats)
                        Int8RescaleRows.Run(t, stride, rows, output.Scales + n0,
                            output.Bias == null ? null : output.Bias + n0, output.Relu, output.Y + at, n, cols,
                            output.Lanes);
                    else
                        for (var i = 0; i < rows; i++)
                            new ReadOnlySpan<int>(t + i * stride, cols)
                                .CopyTo(new Span<int>(output.C + at + (long)i * n, cols));
                }
            }
        }
    }
}

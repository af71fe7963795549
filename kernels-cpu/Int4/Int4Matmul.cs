using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// y[b, n] = sum_k x[b, k] * W[n, k] + bias[n] with group-wise int4 weights (a Linear layer: x is [batch, K],
/// y is [batch, N]). Batches of 1..8 run as a GEMV (each weight group is unpacked once and used for every
/// row); larger batches tile the weights (64 rows) and walk the batch in blocks of 8, which is the GEMM.
/// In the integer modes the dot products are exact integers and the float accumulation follows one fixed
/// order (8 lanes, documented in Int4RowKernels), so every SIMD path gives the scalar path's bits exactly; the
/// <see cref="Int4ActivationMode.Float"/> mode dequantizes rows (GEMV: fused into the dot products; GEMM: 64-row fp32
/// tiles fed to <see cref="Sgemm"/>) and differs from the scalar sum only by float reassociation (about K * 2^-24
/// relative).
/// </summary>
public static unsafe class Int4Matmul
{
    private const int BatchBlock = 8;
    private const int RowTile = 64;

    /// <summary>
    /// Scratch buffers up to this size live on the stack; larger ones in this thread's scratch below.
    /// </summary>
    private const int StackBytes = 16 * 1024;

    [ThreadStatic] private static sbyte[]? t_codes;
    [ThreadStatic] private static float[]? t_scales;
    [ThreadStatic] private static int[]? t_sums;
    [ThreadStatic] private static float[]? t_tile;

    /// <summary>Computes y = x W^T + bias. x: [batch, K], y: [batch, N], bias: empty or [N].</summary>
    public static void Multiply(PackedInt4Weights weights, ReadOnlySpan<float> x, int batch, Span<float> y,
        ReadOnlySpan<float> bias = default, Int4ActivationMode mode = Int4ActivationMode.Int8)
    {
        ArgumentNullException.ThrowIfNull(weights);
        CheckShapes(weights, x.Length, batch, y, bias, "x");
        if (!Enum.IsDefined(mode))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Int4Matmul: unknown activation mode.");
        var isa = KernelDispatch.Active;
        if (mode == Int4ActivationMode.Float)
        {
            MultiplyFloat(weights, x, batch, y, bias, isa);
            return;
        }
        int k = weights.Columns, groups = batch * (k / weights.GroupSize);
        // Quantized activations on the stack for GEMV-sized calls (rented beyond): batch 1 allocates nothing.
        var q = batch * k <= StackBytes
            ? stackalloc sbyte[batch * k] : ThreadScratch.AtLeast(ref t_codes, batch * k).AsSpan(0, batch * k);
        var scales = groups <= StackBytes / 4
            ? stackalloc float[groups] : ThreadScratch.AtLeast(ref t_scales, groups).AsSpan(0, groups);
        var sums = groups <= StackBytes / 4
            ? stackalloc int[groups] : ThreadScratch.AtLeast(ref t_sums, groups).AsSpan(0, groups);
        QuantizeActivations(x, batch, k, weights.GroupSize, mode == Int4ActivationMode.Int8 ? 127 : 7, q, scales, sums);
        Integer(weights, q, scales, sums, batch, y, bias, isa);
    }

    /// <summary>
    /// W4A4 with activations already in the canonical int4 format (symmetric, [batch, K], same group size):
    /// the activation codes are unpacked to int8 and fed to the same integer dot products.
    /// </summary>
    public static void Multiply(PackedInt4Weights weights, GroupwiseInt4Weights activations, Span<float> y,
        ReadOnlySpan<float> bias = default)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(activations);
        if (!activations.IsSymmetric)
            throw new ArgumentException("Int4Matmul: 4-bit activations must be symmetric (no zero points).",
                nameof(activations));
        if (activations.Columns != weights.Columns || activations.GroupSize != weights.GroupSize)
            throw new ArgumentException($"Int4Matmul: activations [{activations.Rows}, {activations.Columns}] group "
                + $"{activations.GroupSize} do not match weights K {weights.Columns} group {weights.GroupSize}.",
                nameof(activations));
        int batch = activations.Rows, k = weights.Columns, groups = batch * (k / weights.GroupSize);
        CheckShapes(weights, batch * k, batch, y, bias, nameof(activations));
        var q = ThreadScratch.AtLeast(ref t_codes, batch * k);
        var sums = ThreadScratch.AtLeast(ref t_sums, groups);
        Array.Clear(sums, 0, groups);
        for (var b = 0; b < batch; b++)
            for (var i = 0; i < k; i++)
            {
                var v = (sbyte)activations.Code(b, i);
                q[b * k + i] = v;
                sums[(b * k + i) / weights.GroupSize] += v;
            }
        Integer(weights, q, activations.Scales, sums, batch, y, bias, KernelDispatch.Active);
    }

    /// <summary>
    /// Quantizes activations x[batch, K] per row and per group of <paramref name="groupSize"/>: scale = max|x| / qMax
    /// (1 for an all-zero group), q = round_half_to_even(x / scale) in [-qMax, qMax]; also returns each group's code
    /// sum.
    /// </summary>
    public static void QuantizeActivations(ReadOnlySpan<float> x, int batch, int k, int groupSize, int qMax,
        Span<sbyte> q, Span<float> scales, Span<int> sums)
    {
        if (batch < 1 || k < 1 || x.Length != (long)batch * k || q.Length != x.Length)
            throw new ArgumentException(
                $"QuantizeActivations: x length {x.Length}, q length {q.Length} must equal batch {batch} * K {k}.",
                nameof(x));
        if (groupSize < 1 || k % groupSize != 0)
            throw new ArgumentException($"QuantizeActivations: groupSize {groupSize} must divide K {k}.",
                nameof(groupSize));
        if (qMax is < 1 or > 127)
            throw new ArgumentOutOfRangeException(nameof(qMax), qMax, "QuantizeActivations: qMax must be in 1..127.");
        var groups = x.Length / groupSize;
        if (scales.Length != groups || sums.Length != groups)
            throw new ArgumentException(
                $"QuantizeActivations: scales {scales.Length} / sums {sums.Length} must have {groups} entries.",
                nameof(scales));
        for (var g = 0; g < groups; g++)
        {
            var block = x.Slice(g * groupSize, groupSize);
            var absMax = TensorPrimitives.MaxMagnitude(block);
            if (float.IsNaN(absMax) || float.IsInfinity(absMax))
                throw new ArgumentException($"QuantizeActivations: group {g} holds a NaN or infinity.", nameof(x));
            var p = QuantizationParameters.Symmetric(MathF.Abs(absMax), qMax);
            // The vectorized per-tensor kernel takes the same IEEE steps as QuantizeLinear.One.
            var codes = q.Slice(g * groupSize, groupSize);
            QuantizeLinear.PerTensor(block, p.Scale, 0, codes, -qMax, qMax);
            var sum = 0;
            foreach (var v in codes) sum += v;
            scales[g] = p.Scale;
            sums[g] = sum;
        }
    }

    private static void Integer(PackedInt4Weights w, ReadOnlySpan<sbyte> q, ReadOnlySpan<float> xScales,
        ReadOnlySpan<int> xSums, int batch, Span<float> y, ReadOnlySpan<float> bias, InstructionSet isa)
    {
        fixed (byte* wBase = w.Chunks)
        fixed (float* swBase = w.GroupScales, sxBase = xScales, yBase = y, biasBase = bias)
        fixed (int* offBase = w.GroupOffsets, sumBase = xSums)
        fixed (sbyte* xBase = q)
        {
            var job = new IntegerJob(w.Rows, w.Columns, w.GroupSize, wBase, swBase, offBase, xBase, sxBase, sumBase,
                batch, yBase, bias.IsEmpty ? null : biasBase, isa);
            // Rows are split in whole 64-row tiles, a fixed partition: the result does not depend on the thread count.
            var tiles = (w.Rows + RowTile - 1) / RowTile;
            var parts = Math.Min(KernelThreads.Count, tiles);
            WorkerPool.Run(parts, job);
        }
    }

    private readonly struct IntegerJob(int n, int k, int gs, byte* wBase, float* swBase, int* offBase, sbyte* xBase,
        float* sxBase, int* sumBase, int batch, float* y, float* bias, InstructionSet isa) : IPartitionedJob
    {
        public void Part(int part, int parts)
        {
            var kernel = Int4RowKernels.For(isa);
            var vector = KernelTable.For(isa).Vector128;
            int groups = k / gs, chunks = gs / 32;
            var tiles = (n + RowTile - 1) / RowTile;
            var lanes = stackalloc float[BatchBlock * 8];
            var corr = stackalloc float[8];
            for (var tile = (int)((long)tiles * part / parts); tile < (int)((long)tiles * (part + 1) / parts); tile++)
            {
                int r0 = tile * RowTile, r1 = Math.Min(n, r0 + RowTile);
                for (var b0 = 0; b0 < batch; b0 += BatchBlock)
                {
                    var bn = Math.Min(BatchBlock, batch - b0);
                    for (var row = r0; row < r1; row++)
                    {
                        var sw = swBase + row * groups;
                        kernel(wBase + (long)row * k / 2, sw, groups, chunks, xBase + (long)b0 * k, k,
                            sxBase + b0 * groups, bn, lanes);
                        for (var b = 0; b < bn; b++)
                        {
                            OffsetTerm(sw, offBase + row * groups, sxBase + (b0 + b) * groups,
                                sumBase + (b0 + b) * groups, groups, vector, corr);
                            float sum = 0f, off = 0f;
                            for (var l = 0; l < 8; l++) { sum += lanes[b * 8 + l]; off += corr[l]; }
                            var v = sum - off;
                            y[(long)(b0 + b) * n + row] = bias == null ? v : v + bias[row];
                        }
                    }
                }
            }
        }
    }

    // corr[l] = sum over groups g = l (mod 8), in order, of (scaleW[g] * scaleX[g]) * (float)(offset[g] * sumX[g]):
    // the part of sum(u*x) that the offset removes, in 8 lanes so the vector and scalar loops agree bit for bit.
    private static void OffsetTerm(float* sw, int* off, float* sx, int* sumX, int groups, bool vector, float* corr)
    {
        for (var l = 0; l < 8; l++) corr[l] = 0f;
        var g = 0;
        if (vector)
        {
            Vector128<float> lo = default, hi = default;
            for (; g + 8 <= groups; g += 8)
            {
                lo += Vector128.Load(sw + g) * Vector128.Load(sx + g)
                    * Vector128.ConvertToSingle(Vector128.Load(off + g) * Vector128.Load(sumX + g));
                hi += Vector128.Load(sw + g + 4) * Vector128.Load(sx + g + 4)
                    * Vector128.ConvertToSingle(Vector128.Load(off + g + 4) * Vector128.Load(sumX + g + 4));
            }
            lo.Store(corr);
            hi.Store(corr + 4);
        }
        for (; g < groups; g++) corr[g & 7] += sw[g] * sx[g] * (float)(off[g] * sumX[g]);
    }

    private static void MultiplyFloat(PackedInt4Weights w, ReadOnlySpan<float> x, int batch, Span<float> y,
        ReadOnlySpan<float> bias, InstructionSet isa)
    {
        int n = w.Rows, k = w.Columns;
        var table = KernelTable.For(isa);
        if (batch <= BatchBlock && table.Int4FloatRows > 0)
        {
            FusedGemv(w, x, batch, y, table.Int4FloatRows == 512);
            if (!bias.IsEmpty)
                for (var b = 0; b < batch; b++) TensorPrimitives.Add(y.Slice(b * n, n), bias, y.Slice(b * n, n));
            return;
        }
        var tileRows = batch > BatchBlock ? RowTile : 1;
        var tile = tileRows * k <= StackBytes / 4
            ? stackalloc float[tileRows * k] : ThreadScratch.AtLeast(ref t_tile, tileRows * k);
        for (var r0 = 0; r0 < n; r0 += tileRows)
        {
            var rows = Math.Min(tileRows, n - r0);
            var wTile = tile[..(rows * k)];
            for (var i = 0; i < rows; i++)
                DequantizeRow(w, r0 + i, wTile.Slice(i * k, k), table.Vector128);
            if (batch > BatchBlock)
            {
                // GEMM: the dequantized 64-row tile is an fp32 weight block for Sgemm (y[:, r0:r0+rows] = x * tile^T).
                Sgemm.Multiply(false, true, batch, rows, k, 1f, x, k, wTile, k, 0f, y[r0..], n);
                continue;
            }
            for (var b = 0; b < batch; b++)
            {
                var xr = x.Slice(b * k, k);
                float s;
                if (isa == InstructionSet.Scalar)
                {
                    s = 0f;
                    for (var i = 0; i < k; i++) s += wTile[i] * xr[i];
                }
                else s = TensorPrimitives.Dot(wTile, xr);
                y[b * n + r0] = s;
            }
        }
        if (!bias.IsEmpty)
            for (var b = 0; b < batch; b++) TensorPrimitives.Add(y.Slice(b * n, n), bias, y.Slice(b * n, n));
    }

    // GEMV on AVX2 / AVX-512: dequantize inside the dot product, no fp32 row in memory.
    private static void FusedGemv(PackedInt4Weights w, ReadOnlySpan<float> x, int batch, Span<float> y, bool avx512)
    {
        int n = w.Rows, k = w.Columns, groups = k / w.GroupSize, chunks = w.GroupSize / 32;
        fixed (byte* wb = w.Chunks)
        fixed (float* sw = w.GroupScales, xb = x, yb = y)
        fixed (int* off = w.GroupOffsets)
        {
            for (var row = 0; row < n; row++)
            {
                var wr = wb + (long)row * k / 2;
                for (var b = 0; b < batch; b++)
                    yb[(long)b * n + row] = avx512
                        ? Int4FloatDot.Avx512Row(wr, sw + row * groups, off + row * groups, groups, chunks,
                            xb + (long)b * k)
                        : Int4FloatDot.Avx2Row(wr, sw + row * groups, off + row * groups, groups, chunks,
                            xb + (long)b * k);
            }
        }
    }

    // value = scale * (u - offset), one row of the packed layout back in element order. The vector loop does the
    // same two roundings (int -> float exact, then one multiply) as the scalar one, so both give the same bits.
    private static void DequantizeRow(PackedInt4Weights w, int row, Span<float> dst, bool vector)
    {
        int k = w.Columns, gs = w.GroupSize, groups = k / gs;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
        {
            var sw = w.GroupScales[row * groups + g];
            var off = w.GroupOffsets[row * groups + g];
            for (var c = 0; c < gs / 32; c++)
            {
                var src = (int)(((long)row * k + g * gs + c * 32) / 2);
                var at = g * gs + c * 32;
                if (vector)
                {
                    var bytes = Vector128.Create(w.Chunks.AsSpan(src, 16));
                    Spread(bytes & mask, off, sw, dst.Slice(at, 16));
                    Spread(Vector128.ShiftRightLogical(bytes, 4), off, sw, dst.Slice(at + 16, 16));
                    continue;
                }
                for (var j = 0; j < 16; j++)
                {
                    var b = w.Chunks[src + j];
                    dst[at + j] = sw * ((b & 0xF) - off);
                    dst[at + 16 + j] = sw * ((b >> 4) - off);
                }
            }
        }
    }

    private static void Spread(Vector128<byte> codes, int offset, float scale, Span<float> dst)
    {
        var (lo, hi) = Vector128.Widen(codes);
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        var o = Vector128.Create(offset);
        var s = Vector128.Create(scale);
        (s * Vector128.ConvertToSingle(a.AsInt32() - o)).CopyTo(dst);
        (s * Vector128.ConvertToSingle(b.AsInt32() - o)).CopyTo(dst[4..]);
        (s * Vector128.ConvertToSingle(c.AsInt32() - o)).CopyTo(dst[8..]);
        (s * Vector128.ConvertToSingle(d.AsInt32() - o)).CopyTo(dst[12..]);
    }

    private static void CheckShapes(PackedInt4Weights w, int xLength, int batch, Span<float> y,
        ReadOnlySpan<float> bias, string xName)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Int4Matmul: batch must be >= 1.");
        if (xLength != (long)batch * w.Columns)
            throw new ArgumentException($"Int4Matmul: {xName} length {xLength} != batch {batch} * K {w.Columns}.",
                xName);
        if (y.Length != (long)batch * w.Rows)
            throw new ArgumentException($"Int4Matmul: y length {y.Length} != batch {batch} * N {w.Rows}.", nameof(y));
        if (!bias.IsEmpty && bias.Length != w.Rows)
            throw new ArgumentException($"Int4Matmul: bias length {bias.Length} != N {w.Rows}.", nameof(bias));
    }
}

using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Int8 GEMM against packed weights: C[m, n] = sum_k (A[m, k] - aZero) * (W[n, k] - wZero[n]) in int32 (ONNX
/// MatMulInteger with B = W^T). Activations are uint8 or int8. The kernels compute T = sum a_s8 * w on signed
/// activations (uint8 is shifted by -128, exactly) and the zero points are folded in afterwards through the
/// precomputed weight column sums and the activation row sums:
/// C = T + (shift - aZero) * colsum[n] - wZero[n] * rowsum[m] + K * aZero * wZero[n].
/// Every path (scalar, Vector128, AVX2 maddubs, AVX-VNNI, AVX-512BW, generated 512-bit VNNI, NEON, NEON dot) returns
/// the same bits; <see cref="Int8KernelTable"/> holds the kernels of each instruction-set rank.
/// The generated 512-bit VNNI kernels take every shape (<see cref="Vnni512Gemm"/>); otherwise up to 4 activation
/// rows take the GEMV kernels (<see cref="Int8GemvKernels"/>, no packing of A), more rows the packed 4-row
/// micro-kernels. Work is split over <see cref="KernelThreads.Count"/> threads by weight panels;
/// calls allocate nothing once warm (scratch on the stack up to 16 KiB, in per-thread <see cref="ThreadScratch"/>
/// beyond).
/// </summary>
public static unsafe class Int8Gemm
{
    private const int RowBlock = 128;

    /// <summary>Most activation rows the GEMV kernels take; more rows go through the packed, blocked GEMM.</summary>
    private const int GemvRows = 4;

    /// <summary>
    /// Operand buffers up to this size live on the stack; larger ones in this thread's scratch below.
    /// </summary>
    private const int StackBytes = 16 * 1024;

    [ThreadStatic] private static int[]? t_accumulators;
    [ThreadStatic] private static byte[]? t_gemvOperand;
    [ThreadStatic] private static byte[]? t_packedRows;
    [ThreadStatic] private static int[]? t_rowSums;
    [ThreadStatic] private static byte[]? t_codes;

    // Below this many multiply-adds a GEMV stays on the calling thread: waking a worker costs more than it saves.
    private const long ThreadingThreshold = 1L << 21;

    /// <summary>C[m, N] = (A - aZeroPoint) * (W - wZero)^T for uint8 activations A[m, K].</summary>
    public static void Multiply(ReadOnlySpan<byte> a, int m, int aZeroPoint, PackedInt8Weights weights, Span<int> c)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Check(a.Length, m, aZeroPoint, 0, 255, weights, c.Length);
        fixed (byte* pa = a) Run((sbyte*)pa, true, m, aZeroPoint, weights, c);
    }

    /// <summary>C[m, N] = (A - aZeroPoint) * (W - wZero)^T for int8 activations A[m, K].</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, PackedInt8Weights weights, Span<int> c)
    {
        ArgumentNullException.ThrowIfNull(weights);
        Check(a.Length, m, aZeroPoint, -128, 127, weights, c.Length);
        fixed (sbyte* pa = a) Run(pa, false, m, aZeroPoint, weights, c);
    }

    /// <summary>
    /// GEMM then <see cref="Int8Epilogue.Rescale"/>: y = C * aScale * wScale[n] + bias[n], optional ReLU.
    /// </summary>
    public static void MultiplyToFloat(ReadOnlySpan<byte> a, int m, int aZeroPoint, float aScale,
        PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        var count = AccumulatorCount(m, weights);
        var c = count <= StackBytes / 4
            ? stackalloc int[count] : ThreadScratch.AtLeast(ref t_accumulators, count).AsSpan(0, count);
        Multiply(a, m, aZeroPoint, weights, c);
        Int8Epilogue.Rescale(c, m, weights.Outputs, aScale, wScales, bias, relu, y);
    }

    /// <summary>GEMM then <see cref="Int8Epilogue.Rescale"/> for int8 activations.</summary>
    public static void MultiplyToFloat(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, float aScale,
        PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        var count = AccumulatorCount(m, weights);
        var c = count <= StackBytes / 4
            ? stackalloc int[count] : ThreadScratch.AtLeast(ref t_accumulators, count).AsSpan(0, count);
        Multiply(a, m, aZeroPoint, weights, c);
        Int8Epilogue.Rescale(c, m, weights.Outputs, aScale, wScales, bias, relu, y);
    }

    /// <summary>GEMM then <see cref="Int8Epilogue.Requantize"/>: int8 output for the next integer layer.</summary>
    public static void MultiplyRequantize(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, float aScale,
        PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, float yScale, int yZeroPoint, Span<sbyte> y)
    {
        var count = AccumulatorCount(m, weights);
        var c = count <= StackBytes / 4
            ? stackalloc int[count] : ThreadScratch.AtLeast(ref t_accumulators, count).AsSpan(0, count);
        Multiply(a, m, aZeroPoint, weights, c);
        Int8Epilogue.Requantize(c, m, weights.Outputs, aScale, wScales, bias, relu, yScale, yZeroPoint, y);
    }

    /// <summary>
    /// One quantized layer from float inputs x[m, K]: the codes of
    /// <see cref="QuantizeLinear.PerTensor(ReadOnlySpan{float}, float, int, Span{byte}, int, int)"/> (uint8 codes when
    /// <paramref name="unsignedCodes"/>, else int8) times the weights, then y = (float)C * outputScales[n]
    /// (+ bias[n]) (then max(y, 0)) with a separate multiply and add. On the generated 512-bit VNNI path each tile is
    /// rescaled while it is in L1 (no int32 matrix goes to memory); elsewhere the GEMM and the epilogue run one after
    /// the other. Every path gives the same bits; nothing is allocated once warm.
    /// </summary>
    public static void QuantizeMultiplyToFloat(ReadOnlySpan<float> x, int m, float xScale, int xZero, int qMin,
        int qMax, bool unsignedCodes, PackedInt8Weights weights, ReadOnlySpan<float> outputScales,
        ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        const string op = "Int8Gemm.QuantizeMultiplyToFloat";
        var count = AccumulatorCount(m, weights);
        int k = weights.Inputs, n = weights.Outputs;
        if (x.Length != (long)m * k)
            throw new ArgumentException($"{op}: x length {x.Length} != m {m} * K {k}.", nameof(x));
        if (y.Length != count) throw new ArgumentException($"{op}: y length {y.Length} != m {m} * N {n}.", nameof(y));
        if (outputScales.Length != n)
            throw new ArgumentException($"{op}: outputScales length {outputScales.Length} != N {n}.",
                nameof(outputScales));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"{op}: bias length {bias.Length} != N {n}.", nameof(bias));
        if (!(xScale > 0) || !float.IsFinite(xScale))
            throw new ArgumentOutOfRangeException(nameof(xScale), xScale, $"{op}: xScale must be finite and > 0.");
        int lo = unsignedCodes ? 0 : -128, hi = unsignedCodes ? 255 : 127;
        if (qMin < lo || qMax > hi || qMin > qMax)
            throw new ArgumentException($"{op}: code range {qMin}..{qMax} must lie in {lo}..{hi}.", nameof(qMin));
        if (xZero < qMin || xZero > qMax)
            throw new ArgumentOutOfRangeException(nameof(xZero), xZero, $"{op}: zero point outside {qMin}..{qMax}.");
        var codes = ThreadScratch.AtLeast(ref t_codes, x.Length).AsSpan(0, x.Length);
        if (unsignedCodes) QuantizeLinear.PerTensor(x, xScale, xZero, codes, qMin, qMax);
        else QuantizeLinear.PerTensor(x, xScale, xZero, MemoryMarshal.Cast<byte, sbyte>(codes), qMin, qMax);
        var kernels = Int8KernelTable.For(KernelDispatch.Active);
        var lanes = KernelTable.Active.FloatLanes;
        fixed (byte* pa = codes)
        fixed (float* py = y, scales = outputScales, pb = bias)
        {
            var output = new TileOutput
            {
                Y = py, Scales = scales, Bias = bias.IsEmpty ? null : pb, Relu = relu, Lanes = lanes,
            };
            if (kernels.Generated)
            {
                Vnni512Gemm.Multiply((sbyte*)pa, unsignedCodes, m, xZero, weights, output, KernelThreads.Count);
                return;
            }
            var c = ThreadScratch.AtLeast(ref t_accumulators, count).AsSpan(0, count);
            fixed (int* pc = c)
            {
                Run((sbyte*)pa, unsignedCodes, m, xZero, weights, c);
                Int8RescaleRows.Run(pc, n, m, scales, output.Bias, relu, py, n, n, lanes);
            }
        }
    }

    // m * N int32 accumulators for the fused epilogues, checked before anything is allocated.
    private static int AccumulatorCount(int m, PackedInt8Weights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), m, "Int8Gemm: m must be >= 1.");
        var count = (long)m * weights.Outputs;
        return count <= Array.MaxLength ? (int)count : throw new ArgumentOutOfRangeException(nameof(m), m,
            $"Int8Gemm: m {m} * N {weights.Outputs} outputs exceed an array.");
    }

    private static void Check(int aLength, int m, int aZero, int lo, int hi, PackedInt8Weights w, int cLength)
    {
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), m, "Int8Gemm: m must be >= 1.");
        if (aLength != (long)m * w.Inputs)
            throw new ArgumentException($"Int8Gemm: a length {aLength} != m {m} * K {w.Inputs}.", "a");
        if (cLength != (long)m * w.Outputs)
            throw new ArgumentException($"Int8Gemm: c length {cLength} != m {m} * N {w.Outputs}.", "c");
        if (aZero < lo || aZero > hi)
            throw new ArgumentOutOfRangeException("aZeroPoint", aZero,
                $"Int8Gemm: activation zero point must be in {lo}..{hi}.");
    }

    private static void Run(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, Span<int> c)
    {
        var kernels = Int8KernelTable.For(KernelDispatch.Active);
        var threads = KernelThreads.Count;
        fixed (int* pc = c)
        {
            if (kernels.Generated) Vnni512Gemm.Multiply(a, unsignedA, m, aZero, w, pc, threads);
            else if (m <= GemvRows) Gemv(a, unsignedA, m, aZero, w, pc, kernels, threads);
            else Blocked(a, unsignedA, m, aZero, w, pc, kernels, threads);
        }
    }

    // m <= 4: the activation rows in signed form (K padded with zeros) on the stack, every panel pair through the
    // GEMV kernel, the zero-point correction in vectors; the struct job goes to the pool without allocating.
    private static void Gemv(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, int* c,
        Int8Kernels kernels, int threads)
    {
        int k = w.Inputs, kp = w.PaddedInputs, bytes = m * kp;
        var operand = bytes <= StackBytes ? stackalloc byte[bytes] : ThreadScratch.AtLeast(ref t_gemvOperand, bytes);
        var rowTerms = stackalloc int[GemvRows];
        fixed (byte* po = operand)
        fixed (sbyte* panels = w.Panels)
        fixed (int* colSums = w.ColumnSums, zeroPoints = w.ZeroPointsPerOutput)
        {
            var shift = unsignedA ? 128 : 0;
            for (var i = 0; i < m; i++)
            {
                var row = po + (long)i * kp;
                var rowSum = PackRow(a + (long)i * k, unsignedA, k, row, Int8OperandForm.Signed, kernels.Vector);
                new Span<byte>(row + k, kp - k).Clear();
                rowTerms[i] = k * aZero - rowSum;
            }
            // c = T + colFactor * colsum - zw * rowSum + K * aZero * zw, wrapping in int32 like the reference.
            var colFactor = shift - aZero - (kernels.Biased ? 128 : 0);
            var job = new GemvJob(kernels.Gemv, kernels.Vector, (sbyte*)po, kp, m, w.Outputs, w.PanelCount, panels, c,
                rowTerms, colFactor, colSums, zeroPoints);
            var pairs = (w.PanelCount + 1) / 2;
            var parts = (long)m * w.Outputs * k < ThreadingThreshold ? 1 : Math.Min(threads, pairs);
            WorkerPool.Run(parts, job);
        }
    }

    private readonly struct GemvJob(delegate*<sbyte*, int, int, sbyte*, sbyte*, int, int*, void> kernel, bool vector,
        sbyte* a, int kp, int m, int n, int panelCount, sbyte* panels, int* c,
        int* rowTerms, int colFactor, int* colSums, int* zeroPoints) : IPartitionedJob
    {
        public void Part(int part, int parts)
        {
            const int width = Int8GemvKernels.Width;
            var pairs = (panelCount + 1) / 2;
            int first = (int)((long)pairs * part / parts), last = (int)((long)pairs * (part + 1) / parts);
            var t = stackalloc int[GemvRows * width];
            var kq = kp / 4;
            var panelBytes = (long)PackedInt8Weights.PanelWidth * kp;
            for (var pair = first; pair < last; pair++)
            {
                var p0 = panels + 2 * pair * panelBytes;
                var single = 2 * pair + 1 == panelCount;
                var p1 = single ? p0 : p0 + panelBytes;
                kernel(a, kp, m, p0, p1, kq, t);
                var n0 = pair * width;
                var valid = single ? PackedInt8Weights.PanelWidth : width;
                var cols = Math.Min(valid, n - n0);
                for (var i = 0; i < m; i++)
                {
                    var ti = t + i * width;
                    Correct(ti, valid, colFactor, colSums + n0, zeroPoints + n0, rowTerms[i], vector);
                    new ReadOnlySpan<int>(ti, cols).CopyTo(new Span<int>(c + (long)i * n + n0, cols));
                }
            }
        }
    }

    // t[j] += colFactor * colsum[j] + zw[j] * rowTerm over whole panels (the column arrays are padded to panels).
    private static void Correct(int* t, int count, int colFactor, int* colSums, int* zeroPoints, int rowTerm,
        bool vector)
    {
        var j = 0;
        if (vector && Vector128.IsHardwareAccelerated)
        {
            var f = Vector128.Create(colFactor);
            var r = Vector128.Create(rowTerm);
            for (; j + 4 <= count; j += 4)
                (Vector128.Load(t + j) + f * Vector128.Load(colSums + j) + Vector128.Load(zeroPoints + j) * r)
                    .Store(t + j);
        }
        for (; j < count; j++) t[j] += colFactor * colSums[j] + zeroPoints[j] * rowTerm;
    }

    // More rows: pack A once into the operand form the path multiplies (signed int8, unsigned a + 128 for
    // vpdpbusd, or int16 for vpmaddwd; K padded with zeros) and run the 4-row micro-kernels per panel.
    private static void Blocked(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, int* c,
        Int8Kernels kernels, int threads)
    {
        int k = w.Inputs, kp = w.PaddedInputs;
        var shift = unsignedA ? 128 : 0;
        var elem = kernels.Form == Int8OperandForm.Wide ? 2 : 1;
        var bytes = m * kp * elem;
        var packed = bytes <= StackBytes ? stackalloc byte[bytes] : ThreadScratch.AtLeast(ref t_packedRows, bytes);
        var rowSums = m <= 1024 ? stackalloc int[m] : ThreadScratch.AtLeast(ref t_rowSums, m);
        fixed (byte* pk = packed)
        fixed (int* sums = rowSums)
        fixed (sbyte* panels = w.Panels)
        fixed (int* colSums = w.ColumnSums, zeroPoints = w.ZeroPointsPerOutput)
        {
            new Span<byte>(pk, bytes).Clear();
            for (var i = 0; i < m; i++)
                sums[i] = PackRow(a + (long)i * k, unsignedA, k, pk + (long)i * kp * elem, kernels.Form,
                    kernels.Vector);
            // vpdpbusd multiplies a + 128: its extra 128 * colsum is removed with the zero-point terms.
            var colFactor = shift - aZero - (kernels.Biased ? 128 : 0);
            var job = new Job(kernels.Micro, pk, elem, kp, m, w.Outputs, w.Inputs, w.PanelCount, panels, c, sums,
                colFactor, aZero, colSums, zeroPoints);
            // Tiles of (row block, panel): a layer with one or two panels (a convolution with few channels
            // over many pixels) still spreads over the threads by rows.
            var tiles = (m + RowBlock - 1) / RowBlock * w.PanelCount;
            WorkerPool.Run(Math.Min(threads, tiles), job);
        }
    }

    // Writes one activation row's K values in the given form and returns the row sum of the original values.
    private static int PackRow(sbyte* src, bool unsignedA, int k, byte* dst, Int8OperandForm form, bool vector)
    {
        var flip = (sbyte)(unsignedA ? -128 : 0);
        var sum = Vector128<int>.Zero;
        var p = 0;
        if (vector && Vector128.IsHardwareAccelerated)
        {
            var f = Vector128.Create(flip);
            var top = Vector128.Create((sbyte)-128);
            for (; p + 16 <= k; p += 16)
            {
                var v = Vector128.Load(src + p) ^ f;
                var (lo, hi) = Vector128.Widen(v);
                switch (form)
                {
                    case Int8OperandForm.Wide:
                        lo.Store((short*)dst + p);
                        hi.Store((short*)dst + p + 8);
                        break;
                    case Int8OperandForm.Biased: (v ^ top).Store((sbyte*)dst + p); break;
                    default: v.Store((sbyte*)dst + p); break;
                }
                var (l0, l1) = Vector128.Widen(lo);
                var (h0, h1) = Vector128.Widen(hi);
                sum += (l0 + l1) + (h0 + h1);
            }
        }
        var total = Vector128.Sum(sum);
        for (; p < k; p++)
        {
            var v = (sbyte)(src[p] ^ flip);
            total += v;
            switch (form)
            {
                case Int8OperandForm.Wide: ((short*)dst)[p] = v; break;
                case Int8OperandForm.Biased: dst[p] = (byte)(v + 128); break;
                default: ((sbyte*)dst)[p] = v; break;
            }
        }
        return total + (unsignedA ? 128 * k : 0);
    }

    private readonly struct Job(delegate*<void*, int, int, sbyte*, int, int*, void> kernel, byte* a, int elem, int kp,
        int m, int n, int k, int panelCount, sbyte* panels, int* c,
        int* rowSums, int colFactor, int aZero, int* colSums, int* zeroPoints) : IPartitionedJob
    {
        public void Part(int part, int parts)
        {
            var tiles = (m + RowBlock - 1) / RowBlock * panelCount;
            var first = (int)((long)tiles * part / parts);
            var last = (int)((long)tiles * (part + 1) / parts);
            var t = stackalloc int[4 * PackedInt8Weights.PanelWidth];
            const int mr = 4;
            var kq = kp / 4;
            for (var tile = first; tile < last; tile++)
            {
                var r0 = tile / panelCount * RowBlock;
                var r1 = Math.Min(m, r0 + RowBlock);
                var p = tile % panelCount;
                var panel = panels + (long)p * PackedInt8Weights.PanelWidth * kp;
                var n0 = p * PackedInt8Weights.PanelWidth;
                var cols = Math.Min(PackedInt8Weights.PanelWidth, n - n0);
                for (var r = r0; r < r1; r += mr)
                {
                    var rows = Math.Min(mr, r1 - r);
                    var ar = a + (long)r * kp * elem;
                    kernel(ar, kp, rows, panel, kq, t);
                    for (var i = 0; i < rows; i++)
                    {
                        var rowTerm = rowSums[r + i];
                        var ci = c + (long)(r + i) * n + n0;
                        for (var j = 0; j < cols; j++)
                        {
                            var zw = zeroPoints[n0 + j];
                            ci[j] = t[i * PackedInt8Weights.PanelWidth + j] + colFactor * colSums[n0 + j]
                                    - zw * rowTerm + k * aZero * zw;
                        }
                    }
                }
            }
        }
    }
}

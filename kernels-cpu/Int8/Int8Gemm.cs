using System.Buffers;
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
/// Every path (scalar, Vector128, AVX2 maddubs, AVX-VNNI, AVX-512BW, NEON, NEON dot) returns the same bits.
/// Work is split over <see cref="KernelThreads.Count"/> threads by weight panels.
/// </summary>
public static unsafe class Int8Gemm
{
    private const int RowBlock = 128;

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

    /// <summary>GEMM then <see cref="Int8Epilogue.Rescale"/>: y = C * aScale * wScale[n] + bias[n], optional ReLU.</summary>
    public static void MultiplyToFloat(ReadOnlySpan<byte> a, int m, int aZeroPoint, float aScale, PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var c = ArrayPool<int>.Shared.Rent(m * weights.Outputs);
        try
        {
            var cs = c.AsSpan(0, m * weights.Outputs);
            Multiply(a, m, aZeroPoint, weights, cs);
            Int8Epilogue.Rescale(cs, m, weights.Outputs, aScale, wScales, bias, relu, y);
        }
        finally { ArrayPool<int>.Shared.Return(c); }
    }

    /// <summary>GEMM then <see cref="Int8Epilogue.Rescale"/> for int8 activations.</summary>
    public static void MultiplyToFloat(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, float aScale, PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var c = ArrayPool<int>.Shared.Rent(m * weights.Outputs);
        try
        {
            var cs = c.AsSpan(0, m * weights.Outputs);
            Multiply(a, m, aZeroPoint, weights, cs);
            Int8Epilogue.Rescale(cs, m, weights.Outputs, aScale, wScales, bias, relu, y);
        }
        finally { ArrayPool<int>.Shared.Return(c); }
    }

    /// <summary>GEMM then <see cref="Int8Epilogue.Requantize"/>: int8 output for the next integer layer.</summary>
    public static void MultiplyRequantize(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, float aScale, PackedInt8Weights weights,
        ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, float yScale, int yZeroPoint, Span<sbyte> y)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var c = ArrayPool<int>.Shared.Rent(m * weights.Outputs);
        try
        {
            var cs = c.AsSpan(0, m * weights.Outputs);
            Multiply(a, m, aZeroPoint, weights, cs);
            Int8Epilogue.Requantize(cs, m, weights.Outputs, aScale, wScales, bias, relu, yScale, yZeroPoint, y);
        }
        finally { ArrayPool<int>.Shared.Return(c); }
    }

    private static void Check(int aLength, int m, int aZero, int lo, int hi, PackedInt8Weights w, int cLength)
    {
        if (m < 1) throw new ArgumentOutOfRangeException(nameof(m), m, "Int8Gemm: m must be >= 1.");
        if (aLength != (long)m * w.Inputs) throw new ArgumentException($"Int8Gemm: a length {aLength} != m {m} * K {w.Inputs}.", "a");
        if (cLength != (long)m * w.Outputs) throw new ArgumentException($"Int8Gemm: c length {cLength} != m {m} * N {w.Outputs}.", "c");
        if (aZero < lo || aZero > hi) throw new ArgumentOutOfRangeException("aZeroPoint", aZero, $"Int8Gemm: activation zero point must be in {lo}..{hi}.");
    }

    private enum Path { Scalar, Portable, Avx2, Vnni, Avx512, Neon, NeonDot }

    private static Path Choose(InstructionSet isa)
    {
        if (isa >= InstructionSet.Avx2)
        {
            if (AvxVnni.IsSupported) return Path.Vnni;
            if (isa >= InstructionSet.Avx512 && Avx512BW.IsSupported) return Path.Avx512;
            if (Avx2.IsSupported) return Path.Avx2;
            if (isa >= InstructionSet.Avx512 && Dp.IsSupported) return Path.NeonDot;
            if (AdvSimd.Arm64.IsSupported) return Path.Neon;
        }
        return isa >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated ? Path.Portable : Path.Scalar;
    }

    private static void Run(sbyte* a, bool unsignedA, int m, int aZero, PackedInt8Weights w, Span<int> c)
    {
        var path = Choose(KernelDispatch.Active);
        int k = w.Inputs, kp = w.PaddedInputs, n = w.Outputs;
        var shift = unsignedA ? 128 : 0;
        // Pack A once per call into the operand form the path multiplies: signed int8 (uint8 - 128),
        // unsigned a + 128 for vpdpbusd, or int16 for vpmaddwd; K padded with zeros.
        var elem = path == Path.Avx512 ? 2 : 1;
        var packed = ArrayPool<byte>.Shared.Rent(m * kp * elem + 64);
        var rowSums = ArrayPool<int>.Shared.Rent(m);
        try
        {
            fixed (byte* pk = packed)
            {
                new Span<byte>(pk, m * kp * elem).Clear();
                for (var i = 0; i < m; i++) rowSums[i] = PackRow(a + (long)i * k, unsignedA, k, pk + (long)i * kp * elem, path);
                // vpdpbusd multiplies a + 128: its extra 128 * colsum is removed with the zero-point terms.
                var colFactor = shift - aZero - (path == Path.Vnni ? 128 : 0);
                fixed (int* pc = c)
                fixed (sbyte* panels = w.Panels)
                {
                    var job = new Job(path, pk, elem, kp, m, n, panels, pc, rowSums, colFactor, aZero, w);
                    var parts = Math.Min(KernelThreads.Count, w.PanelCount);
                    if (parts <= 1) job.Part(0, 1);
                    else WorkerPool.Run(parts, i => job.Part(i, parts));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(rowSums);
        }
    }

    // Writes one activation row in the path's operand form and returns the row sum of the original values.
    private static int PackRow(sbyte* src, bool unsignedA, int k, byte* dst, Path path)
    {
        var sum = 0;
        var shift = unsignedA ? 128 : 0;
        for (var p = 0; p < k; p++)
        {
            int v = unsignedA ? ((byte*)src)[p] : src[p];
            sum += v;
            switch (path)
            {
                case Path.Avx512: ((short*)dst)[p] = (short)(v - shift); break;
                case Path.Vnni: dst[p] = (byte)(v - shift + 128); break;
                default: ((sbyte*)dst)[p] = (sbyte)(v - shift); break;
            }
        }
        return sum;
    }

    private sealed class Job(Path path, byte* a, int elem, int kp, int m, int n, sbyte* panels, int* c, int[] rowSums, int colFactor, int aZero, PackedInt8Weights w)
    {
        public void Part(int part, int parts)
        {
            var p0 = (int)((long)w.PanelCount * part / parts);
            var p1 = (int)((long)w.PanelCount * (part + 1) / parts);
            var t = stackalloc int[4 * PackedInt8Weights.PanelWidth];
            const int mr = 4;
            var kq = kp / 4;
            for (var r0 = 0; r0 < m; r0 += RowBlock)
            {
                var r1 = Math.Min(m, r0 + RowBlock);
                for (var p = p0; p < p1; p++)
                {
                    var panel = panels + (long)p * PackedInt8Weights.PanelWidth * kp;
                    var n0 = p * PackedInt8Weights.PanelWidth;
                    var cols = Math.Min(PackedInt8Weights.PanelWidth, n - n0);
                    for (var r = r0; r < r1; r += mr)
                    {
                        var rows = Math.Min(mr, r1 - r);
                        var ar = a + (long)r * kp * elem;
                        switch (path)
                        {
                            case Path.Scalar: Int8MicroKernels.Scalar(ar, kp, rows, panel, kq, t); break;
                            case Path.Portable: Int8MicroKernels.Portable(ar, kp, rows, panel, kq, t); break;
                            case Path.Avx2: Int8MicroKernels.Avx2Kernel(ar, kp, rows, panel, kq, t); break;
                            case Path.Vnni: Int8MicroKernels.VnniKernel(ar, kp, rows, panel, kq, t); break;
                            case Path.Avx512: Int8MicroKernels.Avx512Kernel(ar, kp, rows, panel, kq, t); break;
                            case Path.Neon: Int8MicroKernels.NeonKernel(ar, kp, rows, panel, kq, t); break;
                            default: Int8MicroKernels.DotKernel(ar, kp, rows, panel, kq, t); break;
                        }
                        for (var i = 0; i < rows; i++)
                        {
                            var rowTerm = rowSums[r + i];
                            var ci = c + (long)(r + i) * n + n0;
                            for (var j = 0; j < cols; j++)
                            {
                                var zw = w.ZeroPointsPerOutput[n0 + j];
                                ci[j] = t[i * PackedInt8Weights.PanelWidth + j] + colFactor * w.ColumnSums[n0 + j]
                                        - zw * rowTerm + w.Inputs * aZero * zw;
                            }
                        }
                    }
                }
            }
        }
    }
}

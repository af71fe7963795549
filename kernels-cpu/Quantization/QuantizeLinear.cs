using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Quantize / dequantize kernels (ONNX QuantizeLinear / DequantizeLinear semantics):
/// q = clamp(round_half_to_even(x / scale) + zeroPoint, qMin, qMax) and x' = (q - zeroPoint) * scale.
/// Rounding is round-half-to-even (0.5 -> 0, 1.5 -> 2, -2.5 -> -2), as in ONNX and IEEE's default, so a value
/// exactly between two codes does not bias the rounding. The division (not a multiply by 1/scale) keeps
/// every path, scalar and SIMD, bit-identical to ONNX Runtime. Layouts: per tensor (one scale), per channel
/// (x is [channels, inner], one scale per channel row), per group (x is [rows, cols], one scale per
/// group of <c>groupSize</c> consecutive elements of a row, scales [rows, cols/groupSize]).
/// NaN inputs are rejected: they have no code.
/// </summary>
public static class QuantizeLinear
{
    /// <summary>Quantizes one value; the scalar definition every path matches.</summary>
    public static int One(float x, float scale, int zeroPoint, int qMin, int qMax)
    {
        if (float.IsNaN(x)) throw new ArgumentException("QuantizeLinear: input contains NaN.", nameof(x));
        var r = MathF.Round(x / scale, MidpointRounding.ToEven) + zeroPoint;
        return (int)Math.Clamp(r, qMin, qMax);
    }

    /// <summary>Per-tensor quantization to int8 codes in [qMin, qMax] (pass -127..127 for symmetric weights).</summary>
    public static void PerTensor(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<sbyte> q, int qMin = -128,
        int qMax = 127)
    {
        CheckScale(scale, "scale");
        CheckRange(zeroPoint, qMin, qMax, -128, 127);
        if (q.Length != x.Length)
            throw new ArgumentException($"QuantizeLinear.PerTensor: q length {q.Length} != x length {x.Length}.",
                nameof(q));
        Run(x, scale, zeroPoint, qMin, qMax, q);
    }

    /// <summary>Per-tensor quantization to uint8 codes in [qMin, qMax].</summary>
    public static void PerTensor(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<byte> q, int qMin = 0,
        int qMax = 255)
    {
        CheckScale(scale, "scale");
        CheckRange(zeroPoint, qMin, qMax, 0, 255);
        if (q.Length != x.Length)
            throw new ArgumentException($"QuantizeLinear.PerTensor: q length {q.Length} != x length {x.Length}.",
                nameof(q));
        Run(x, scale, zeroPoint, qMin, qMax, q);
    }

    /// <summary>
    /// Per-channel quantization of x[channels, inner] with scales[channel] and zeroPoints[channel] (empty: 0).
    /// </summary>
    public static void PerChannel(ReadOnlySpan<float> x, int channels, ReadOnlySpan<float> scales,
        ReadOnlySpan<int> zeroPoints, Span<sbyte> q, int qMin = -128, int qMax = 127)
        => Grouped("QuantizeLinear.PerChannel", x, channels, x.Length / Math.Max(channels, 1), scales, zeroPoints, q,
            qMin, qMax, channels);

    /// <summary>Per-group quantization of x[rows, cols]: scales[r, c/groupSize] (cols % groupSize == 0).</summary>
    public static void PerGroup(ReadOnlySpan<float> x, int rows, int cols, int groupSize, ReadOnlySpan<float> scales,
        ReadOnlySpan<int> zeroPoints, Span<sbyte> q, int qMin = -128, int qMax = 127)
    {
        if (rows < 1 || cols < 1 || (long)rows * cols != x.Length)
            throw new ArgumentException(
                $"QuantizeLinear.PerGroup: rows {rows} x cols {cols} does not match x length {x.Length}.", nameof(x));
        if (groupSize < 1 || cols % groupSize != 0)
            throw new ArgumentException($"QuantizeLinear.PerGroup: groupSize {groupSize} must divide cols {cols}.",
                nameof(groupSize));
        Grouped("QuantizeLinear.PerGroup", x, rows * (cols / groupSize), groupSize, scales, zeroPoints, q, qMin, qMax,
            rows * (cols / groupSize));
    }

    /// <summary>Per-tensor dequantization: x = (q - zeroPoint) * scale.</summary>
    public static void DequantizePerTensor(ReadOnlySpan<sbyte> q, float scale, int zeroPoint, Span<float> x)
    {
        CheckScale(scale, "scale");
        if (q.Length != x.Length)
            throw new ArgumentException($"DequantizeLinear: x length {x.Length} != q length {q.Length}.", nameof(x));
        for (var i = 0; i < q.Length; i++) x[i] = (q[i] - zeroPoint) * scale;
    }

    /// <summary>Per-tensor dequantization of uint8 codes.</summary>
    public static void DequantizePerTensor(ReadOnlySpan<byte> q, float scale, int zeroPoint, Span<float> x)
    {
        CheckScale(scale, "scale");
        if (q.Length != x.Length)
            throw new ArgumentException($"DequantizeLinear: x length {x.Length} != q length {q.Length}.", nameof(x));
        for (var i = 0; i < q.Length; i++) x[i] = (q[i] - zeroPoint) * scale;
    }

    /// <summary>Per-group (or per-channel with groupSize = cols) dequantization of q[rows, cols].</summary>
    public static void DequantizePerGroup(ReadOnlySpan<sbyte> q, int rows, int cols, int groupSize,
        ReadOnlySpan<float> scales, ReadOnlySpan<int> zeroPoints, Span<float> x)
    {
        if (rows < 1 || cols < 1 || (long)rows * cols != q.Length || x.Length != q.Length)
            throw new ArgumentException($"DequantizeLinear.PerGroup: rows {rows} x cols {cols} does not match q length "
                + $"{q.Length} / x length {x.Length}.", nameof(q));
        if (groupSize < 1 || cols % groupSize != 0)
            throw new ArgumentException($"DequantizeLinear.PerGroup: groupSize {groupSize} must divide cols {cols}.",
                nameof(groupSize));
        var groups = q.Length / groupSize;
        CheckGroupParameters("DequantizeLinear.PerGroup", groups, scales, zeroPoints);
        for (var g = 0; g < groups; g++)
        {
            var z = zeroPoints.IsEmpty ? 0 : zeroPoints[g];
            for (var i = g * groupSize; i < (g + 1) * groupSize; i++) x[i] = (q[i] - z) * scales[g];
        }
    }

    private static void Grouped(string op, ReadOnlySpan<float> x, int groups, int groupSize, ReadOnlySpan<float> scales,
        ReadOnlySpan<int> zeroPoints, Span<sbyte> q, int qMin, int qMax, int expected)
    {
        if (groups < 1 || groupSize < 1 || (long)groups * groupSize != x.Length)
            throw new ArgumentException($"{op}: {groups} groups do not divide x length {x.Length}.", nameof(x));
        if (q.Length != x.Length)
            throw new ArgumentException($"{op}: q length {q.Length} != x length {x.Length}.", nameof(q));
        CheckGroupParameters(op, expected, scales, zeroPoints);
        for (var g = 0; g < groups; g++)
        {
            var z = zeroPoints.IsEmpty ? 0 : zeroPoints[g];
            CheckRange(z, qMin, qMax, -128, 127);
            Run(x.Slice(g * groupSize, groupSize), scales[g], z, qMin, qMax, q.Slice(g * groupSize, groupSize));
        }
    }

    private static void CheckGroupParameters(string op, int groups, ReadOnlySpan<float> scales,
        ReadOnlySpan<int> zeroPoints)
    {
        if (scales.Length != groups)
            throw new ArgumentException($"{op}: scales length {scales.Length} != {groups} groups.", nameof(scales));
        if (!zeroPoints.IsEmpty && zeroPoints.Length != groups)
            throw new ArgumentException($"{op}: zeroPoints length {zeroPoints.Length} != {groups} groups.",
                nameof(zeroPoints));
        foreach (var s in scales) CheckScale(s, "scales");
    }

    private static void CheckScale(float scale, string name)
    {
        if (!(scale > 0) || !float.IsFinite(scale))
            throw new ArgumentOutOfRangeException(name, scale, "QuantizeLinear: scale must be finite and > 0.");
    }

    private static void CheckRange(int zeroPoint, int qMin, int qMax, int lo, int hi)
    {
        if (qMin < lo || qMax > hi || qMin > qMax)
            throw new ArgumentException($"QuantizeLinear: code range {qMin}..{qMax} must lie in {lo}..{hi}.",
                nameof(qMin));
        if (zeroPoint < qMin || zeroPoint > qMax)
            throw new ArgumentOutOfRangeException(nameof(zeroPoint), zeroPoint,
                $"QuantizeLinear: zero point must lie in {qMin}..{qMax}.");
    }

    // T is sbyte or byte (the JIT folds the type tests); codes are already clamped into T's range.
    private static void Run<T>(ReadOnlySpan<float> x, float scale, int zeroPoint, int qMin, int qMax, Span<T> q)
        where T : unmanaged
    {
        var i = 0;
        ref var q0 = ref MemoryMarshal.GetReference(q);
        // Vector paths: divide, round to nearest even, add the zero point, clamp -- the same IEEE steps as One().
        var table = KernelTable.Active;
        if (table.Vector512)
        {
            var vs = Vector512.Create(scale);
            var vz = Vector512.Create((float)zeroPoint);
            var lo = Vector512.Create((float)qMin);
            var hi = Vector512.Create((float)qMax);
            for (; i + 64 <= x.Length; i += 64)
            {
                var c0 = Codes(x.Slice(i, 16), vs, vz, lo, hi);
                var c1 = Codes(x.Slice(i + 16, 16), vs, vz, lo, hi);
                var c2 = Codes(x.Slice(i + 32, 16), vs, vz, lo, hi);
                var c3 = Codes(x.Slice(i + 48, 16), vs, vz, lo, hi);
                var bytes = Vector512.Narrow(Vector512.Narrow(c0, c1), Vector512.Narrow(c2, c3));
                bytes.StoreUnsafe(ref Unsafe.As<T, sbyte>(ref Unsafe.Add(ref q0, i)));
            }
        }
        if (table.Vector128)
        {
            var vs = Vector128.Create(scale);
            var vz = Vector128.Create((float)zeroPoint);
            var lo = Vector128.Create((float)qMin);
            var hi = Vector128.Create((float)qMax);
            for (; i + 16 <= x.Length; i += 16)
            {
                var c0 = Codes(x.Slice(i, 4), vs, vz, lo, hi);
                var c1 = Codes(x.Slice(i + 4, 4), vs, vz, lo, hi);
                var c2 = Codes(x.Slice(i + 8, 4), vs, vz, lo, hi);
                var c3 = Codes(x.Slice(i + 12, 4), vs, vz, lo, hi);
                // Codes lie in -128..255, so truncating to 16 and then 8 bits keeps each one's byte exactly.
                var bytes = Vector128.Narrow(Vector128.Narrow(c0, c1), Vector128.Narrow(c2, c3));
                bytes.StoreUnsafe(ref Unsafe.As<T, sbyte>(ref Unsafe.Add(ref q0, i)));
            }
        }
        for (; i < x.Length; i++)
        {
            var v = One(x[i], scale, zeroPoint, qMin, qMax);
            Unsafe.Add(ref q0, i) = typeof(T) == typeof(sbyte)
                ? Unsafe.BitCast<sbyte, T>((sbyte)v) : Unsafe.BitCast<byte, T>((byte)v);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<int> Codes(ReadOnlySpan<float> x, Vector512<float> scale, Vector512<float> zero,
        Vector512<float> lo, Vector512<float> hi)
    {
        var v = Vector512.Create(x);
        if (!Vector512.EqualsAll(v, v)) throw new ArgumentException("QuantizeLinear: input contains NaN.", nameof(x));
        var r = Vector512.Round(v / scale) + zero;
        // r is not NaN: the native min / max clamp it as the IEEE ones do (a -0 converts to 0 either way), and the
        // native conversion of an integral value in range is exact -- 1.6x faster than the IEEE / saturating forms.
        return Vector512.ConvertToInt32Native(Vector512.MinNative(Vector512.MaxNative(r, lo), hi));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Codes(ReadOnlySpan<float> x, Vector128<float> scale, Vector128<float> zero,
        Vector128<float> lo, Vector128<float> hi)
    {
        var v = Vector128.Create(x);
        if (!Vector128.EqualsAll(v, v)) throw new ArgumentException("QuantizeLinear: input contains NaN.", nameof(x));
        var r = Vector128.Round(v / scale) + zero;
        return Vector128.ConvertToInt32Native(Vector128.MinNative(Vector128.MaxNative(r, lo), hi));
    }
}

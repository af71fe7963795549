using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The epilogue that keeps activations 8-bit between quantized layers: int32 GEMM sums c[r, n] become the next
/// layer's input codes in one pass, v = (float)c * scale[n] (+ bias[n]) (then max(v, 0)) and
/// q = clamp(round_half_even(v / yScale) + yZero, qMin, qMax). Each step is the float step of a rescaling epilogue
/// followed by <see cref="QuantizeLinear.PerTensor(ReadOnlySpan{float}, float, int, Span{sbyte}, int, int)"/>
/// (separate multiply and add, no FMA; a division, not a reciprocal), so the codes equal the float path's bit for
/// bit. scale[n] is the product aScale * wScale[n] precomputed once. Every path (scalar, Vector128, Vector256,
/// Vector512) returns the same codes; nothing is allocated.
/// </summary>
public static class Int8CodeEpilogue
{
    /// <summary>Writes int8 codes (qMin..qMax within -128..127) of the rows of <paramref name="c"/>.</summary>
    public static void Requantize(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, bool relu,
        float yScale, int yZero, int qMin, int qMax, Span<sbyte> q)
    {
        Check(c.Length, scales, bias, yScale, yZero, qMin, qMax, -128, 127, q.Length);
        Run(c, scales, bias, relu, yScale, yZero, qMin, qMax, MemoryMarshal.Cast<sbyte, byte>(q));
    }

    /// <summary>Writes uint8 codes (qMin..qMax within 0..255) of the rows of <paramref name="c"/>.</summary>
    public static void Requantize(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, bool relu,
        float yScale, int yZero, int qMin, int qMax, Span<byte> q)
    {
        Check(c.Length, scales, bias, yScale, yZero, qMin, qMax, 0, 255, q.Length);
        Run(c, scales, bias, relu, yScale, yZero, qMin, qMax, q);
    }

    /// <summary>The code of one sum: the scalar definition every path equals.</summary>
    public static int One(int c, float scale, float bias, bool hasBias, bool relu, float yScale, int yZero,
        int qMin, int qMax)
    {
        float v = c * scale;
        if (hasBias) v += bias;
        if (relu) v = MathF.Max(v, 0f);
        return (int)Math.Clamp(MathF.Round(v / yScale, MidpointRounding.ToEven) + yZero, qMin, qMax);
    }

    private static void Check(int cLength, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, float yScale,
        int yZero, int qMin, int qMax, int lo, int hi, int qLength)
    {
        const string op = "Int8CodeEpilogue.Requantize";
        if (scales.IsEmpty || cLength % scales.Length != 0)
            throw new ArgumentException($"{op}: c length {cLength} is not whole rows of {scales.Length} outputs.", "c");
        if (!bias.IsEmpty && bias.Length != scales.Length)
            throw new ArgumentException($"{op}: bias length {bias.Length} != outputs {scales.Length}.", nameof(bias));
        if (qLength != cLength) throw new ArgumentException($"{op}: q length {qLength} != c length {cLength}.", "q");
        if (!(yScale > 0) || !float.IsFinite(yScale))
            throw new ArgumentOutOfRangeException(nameof(yScale), yScale, $"{op}: yScale must be finite and > 0.");
        if (qMin < lo || qMax > hi || qMin > qMax)
            throw new ArgumentException($"{op}: code range {qMin}..{qMax} must lie in {lo}..{hi}.", nameof(qMin));
        if (yZero < qMin || yZero > qMax)
            throw new ArgumentOutOfRangeException(nameof(yZero), yZero, $"{op}: zero point outside {qMin}..{qMax}.");
    }

    // Codes lie in qMin..qMax within -128..255, so truncating each int32 to its low byte stores it exactly as
    // sbyte or byte; the vector paths narrow 16 (or 4, 8) codes at a time the same way.
    private static void Run(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, bool relu,
        float yScale, int yZero, int qMin, int qMax, Span<byte> q)
    {
        int n = scales.Length, rows = c.Length / n;
        var lanes = KernelTable.Active.FloatLanes;
        var hasBias = !bias.IsEmpty;
        for (int r = 0; r < rows; r++)
        {
            var sums = c.Slice(r * n, n);
            var codes = q.Slice(r * n, n);
            int j = 0;
            if (lanes == FloatLaneWidth.Bits512)
                j = Vector512Path(sums, scales, bias, relu, yScale, yZero, qMin, qMax, codes);
            else if (lanes == FloatLaneWidth.Bits256)
                j = Vector256Path(sums, scales, bias, relu, yScale, yZero, qMin, qMax, codes);
            if (lanes >= FloatLaneWidth.Bits128)
                j = Vector128Path(j, sums, scales, bias, relu, yScale, yZero, qMin, qMax, codes);
            for (; j < n; j++)
            {
                var b = hasBias ? bias[j] : 0f;
                codes[j] = (byte)One(sums[j], scales[j], b, hasBias, relu, yScale, yZero, qMin, qMax);
            }
        }
    }

    private static int Vector512Path(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        bool relu, float yScale, int yZero, int qMin, int qMax, Span<byte> q)
    {
        const int width = 16;
        var (ys, yz) = (Vector512.Create(yScale), Vector512.Create((float)yZero));
        var (lo, hi) = (Vector512.Create((float)qMin), Vector512.Create((float)qMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        int j = 0;
        for (; j + width <= c.Length; j += width)
        {
            var sum = Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref c0, (nuint)j));
            var v = sum * Vector512.LoadUnsafe(ref s0, (nuint)j);
            if (!bias.IsEmpty) v += Vector512.LoadUnsafe(ref b0, (nuint)j);
            if (relu) v = Vector512.MaxNative(v, Vector512<float>.Zero);
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }

    private static int Vector256Path(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        bool relu, float yScale, int yZero, int qMin, int qMax, Span<byte> q)
    {
        const int width = 8;
        var (ys, yz) = (Vector256.Create(yScale), Vector256.Create((float)yZero));
        var (lo, hi) = (Vector256.Create((float)qMin), Vector256.Create((float)qMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        int j = 0;
        for (; j + width <= c.Length; j += width)
        {
            var sum = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref c0, (nuint)j));
            var v = sum * Vector256.LoadUnsafe(ref s0, (nuint)j);
            if (!bias.IsEmpty) v += Vector256.LoadUnsafe(ref b0, (nuint)j);
            if (relu) v = Vector256.MaxNative(v, Vector256<float>.Zero);
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }

    private static int Vector128Path(int j, ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        bool relu, float yScale, int yZero, int qMin, int qMax, Span<byte> q)
    {
        const int width = 4;
        var (ys, yz) = (Vector128.Create(yScale), Vector128.Create((float)yZero));
        var (lo, hi) = (Vector128.Create((float)qMin), Vector128.Create((float)qMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        for (; j + width <= c.Length; j += width)
        {
            var sum = Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref c0, (nuint)j));
            var v = sum * Vector128.LoadUnsafe(ref s0, (nuint)j);
            if (!bias.IsEmpty) v += Vector128.LoadUnsafe(ref b0, (nuint)j);
            if (relu) v = Vector128.MaxNative(v, Vector128<float>.Zero);
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }
}

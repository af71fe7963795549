using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The epilogue of the quantized layer that closes a residual block: int32 GEMM sums c[r, n] plus the block's
/// shortcut in one pass, v = ((float)c * scale[n] (+ bias[n])) + skip[r, n] (then max(v, 0)), written as floats,
/// as the next layer's input codes q = clamp(round_half_even(v / yScale) + yZero, qMin, qMax), or both (the block's
/// output often has two readers). Each step is the float step of the unfused ops: the layer's rescaling epilogue,
/// the element-wise add, the ReLU (IEEE maximum, as <c>TensorPrimitives.Max</c>), then
/// <see cref="QuantizeLinear.PerTensor(ReadOnlySpan{float}, float, int, Span{sbyte}, int, int)"/> (separate multiply
/// and adds, no FMA; a division, not a reciprocal), so floats and codes equal theirs bit for bit. The shortcut is
/// read as floats because the fake-quant model adds the float shortcut. Every path (scalar, Vector128, Vector256,
/// Vector512, chosen by <see cref="KernelTable"/>'s lane width) gives the same bits; nothing is allocated.
/// </summary>
public static class Int8ResidualEpilogue
{
    /// <summary>
    /// Writes the block's float output <paramref name="y"/> and/or int8 codes <paramref name="q"/> (qMin..qMax
    /// within -128..127); an empty span is not written, and at least one must be given.
    /// </summary>
    public static void Requantize(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, bool relu, float yScale, int yZero, int qMin, int qMax, Span<sbyte> q, Span<float> y)
    {
        Check(c.Length, scales, bias, skip.Length, q.Length, y.Length);
        if (!q.IsEmpty) CheckCodes(yScale, yZero, qMin, qMax, -128, 127);
        Run(c, scales, bias, skip, relu, yScale, yZero, qMin, qMax, MemoryMarshal.Cast<sbyte, byte>(q), y);
    }

    /// <summary>
    /// Writes the block's float output <paramref name="y"/> and/or uint8 codes <paramref name="q"/> (qMin..qMax
    /// within 0..255); an empty span is not written, and at least one must be given.
    /// </summary>
    public static void Requantize(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, bool relu, float yScale, int yZero, int qMin, int qMax, Span<byte> q, Span<float> y)
    {
        Check(c.Length, scales, bias, skip.Length, q.Length, y.Length);
        if (!q.IsEmpty) CheckCodes(yScale, yZero, qMin, qMax, 0, 255);
        Run(c, scales, bias, skip, relu, yScale, yZero, qMin, qMax, q, y);
    }

    /// <summary>The block's output value of one sum: the scalar definition every path equals.</summary>
    public static float Value(int c, float scale, float bias, bool hasBias, float skip, bool relu)
    {
        float v = c * scale;
        if (hasBias) v += bias;
        v += skip;
        return relu ? MathF.Max(v, 0f) : v;
    }

    /// <summary>The code of one output value: the scalar definition every path equals.</summary>
    public static int Code(float v, float yScale, int yZero, int qMin, int qMax) =>
        (int)Math.Clamp(MathF.Round(v / yScale, MidpointRounding.ToEven) + yZero, qMin, qMax);

    private static void Check(int cLength, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias, int skipLength,
        int qLength, int yLength)
    {
        const string op = "Int8ResidualEpilogue.Requantize";
        if (scales.IsEmpty || cLength % scales.Length != 0)
            throw new ArgumentException($"{op}: c length {cLength} is not whole rows of {scales.Length} outputs.",
                "c");
        if (!bias.IsEmpty && bias.Length != scales.Length)
            throw new ArgumentException($"{op}: bias length {bias.Length} != outputs {scales.Length}.", nameof(bias));
        if (skipLength != cLength)
            throw new ArgumentException($"{op}: skip length {skipLength} != c length {cLength}.", "skip");
        if (qLength == 0 && yLength == 0)
            throw new ArgumentException($"{op}: neither codes nor floats to write.", "q");
        if (qLength != 0 && qLength != cLength)
            throw new ArgumentException($"{op}: q length {qLength} != c length {cLength}.", "q");
        if (yLength != 0 && yLength != cLength)
            throw new ArgumentException($"{op}: y length {yLength} != c length {cLength}.", "y");
    }

    private static void CheckCodes(float yScale, int yZero, int qMin, int qMax, int lo, int hi)
    {
        const string op = "Int8ResidualEpilogue.Requantize";
        if (!(yScale > 0) || !float.IsFinite(yScale))
            throw new ArgumentOutOfRangeException(nameof(yScale), yScale, $"{op}: yScale must be finite and > 0.");
        if (qMin < lo || qMax > hi || qMin > qMax)
            throw new ArgumentException($"{op}: code range {qMin}..{qMax} must lie in {lo}..{hi}.", nameof(qMin));
        if (yZero < qMin || yZero > qMax)
            throw new ArgumentOutOfRangeException(nameof(yZero), yZero, $"{op}: zero point outside {qMin}..{qMax}.");
    }

    // Codes lie in qMin..qMax within -128..255, so truncating each int32 to its low byte stores it exactly as
    // sbyte or byte; the vector paths narrow 16 (or 8, 4) codes at a time the same way.
    private static void Run(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, bool relu, float yScale, int yZero, int qMin, int qMax, Span<byte> q, Span<float> y)
    {
        int n = scales.Length, rows = c.Length / n;
        var lanes = KernelTable.Active.FloatLanes;
        bool hasBias = !bias.IsEmpty, codes = !q.IsEmpty, floats = !y.IsEmpty;
        var p = new Parameters(relu, hasBias, codes, floats, yScale, yZero, qMin, qMax);
        for (int r = 0; r < rows; r++)
        {
            var sums = c.Slice(r * n, n);
            var shortcut = skip.Slice(r * n, n);
            var rowCodes = codes ? q.Slice(r * n, n) : q;
            var rowFloats = floats ? y.Slice(r * n, n) : y;
            int j = 0;
            if (lanes == FloatLaneWidth.Bits512)
                j = Vector512Path(sums, scales, bias, shortcut, p, rowCodes, rowFloats);
            else if (lanes == FloatLaneWidth.Bits256)
                j = Vector256Path(sums, scales, bias, shortcut, p, rowCodes, rowFloats);
            if (lanes >= FloatLaneWidth.Bits128)
                j = Vector128Path(j, sums, scales, bias, shortcut, p, rowCodes, rowFloats);
            for (; j < n; j++)
            {
                float v = Value(sums[j], scales[j], hasBias ? bias[j] : 0f, hasBias, shortcut[j], relu);
                if (floats) rowFloats[j] = v;
                if (codes) rowCodes[j] = (byte)Code(v, yScale, yZero, qMin, qMax);
            }
        }
    }

    private readonly record struct Parameters(bool Relu, bool HasBias, bool Codes, bool Floats, float YScale,
        int YZero, int QMin, int QMax);

    private static int Vector512Path(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, Parameters p, Span<byte> q, Span<float> y)
    {
        const int width = 16;
        var (ys, yz) = (Vector512.Create(p.YScale), Vector512.Create((float)p.YZero));
        var (lo, hi) = (Vector512.Create((float)p.QMin), Vector512.Create((float)p.QMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var k0 = ref MemoryMarshal.GetReference(skip);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        ref var y0 = ref MemoryMarshal.GetReference(y);
        int j = 0;
        for (; j + width <= c.Length; j += width)
        {
            var v = Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref c0, (nuint)j))
                * Vector512.LoadUnsafe(ref s0, (nuint)j);
            if (p.HasBias) v += Vector512.LoadUnsafe(ref b0, (nuint)j);
            v += Vector512.LoadUnsafe(ref k0, (nuint)j);
            if (p.Relu) v = Vector512.Max(v, Vector512<float>.Zero);
            if (p.Floats) v.StoreUnsafe(ref y0, (nuint)j);
            if (!p.Codes) continue;
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }

    private static int Vector256Path(ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, Parameters p, Span<byte> q, Span<float> y)
    {
        const int width = 8;
        var (ys, yz) = (Vector256.Create(p.YScale), Vector256.Create((float)p.YZero));
        var (lo, hi) = (Vector256.Create((float)p.QMin), Vector256.Create((float)p.QMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var k0 = ref MemoryMarshal.GetReference(skip);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        ref var y0 = ref MemoryMarshal.GetReference(y);
        int j = 0;
        for (; j + width <= c.Length; j += width)
        {
            var v = Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref c0, (nuint)j))
                * Vector256.LoadUnsafe(ref s0, (nuint)j);
            if (p.HasBias) v += Vector256.LoadUnsafe(ref b0, (nuint)j);
            v += Vector256.LoadUnsafe(ref k0, (nuint)j);
            if (p.Relu) v = Vector256.Max(v, Vector256<float>.Zero);
            if (p.Floats) v.StoreUnsafe(ref y0, (nuint)j);
            if (!p.Codes) continue;
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }

    private static int Vector128Path(int j, ReadOnlySpan<int> c, ReadOnlySpan<float> scales, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> skip, Parameters p, Span<byte> q, Span<float> y)
    {
        const int width = 4;
        var (ys, yz) = (Vector128.Create(p.YScale), Vector128.Create((float)p.YZero));
        var (lo, hi) = (Vector128.Create((float)p.QMin), Vector128.Create((float)p.QMax));
        ref var c0 = ref MemoryMarshal.GetReference(c);
        ref var s0 = ref MemoryMarshal.GetReference(scales);
        ref var b0 = ref MemoryMarshal.GetReference(bias);
        ref var k0 = ref MemoryMarshal.GetReference(skip);
        ref var q0 = ref MemoryMarshal.GetReference(q);
        ref var y0 = ref MemoryMarshal.GetReference(y);
        for (; j + width <= c.Length; j += width)
        {
            var v = Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref c0, (nuint)j))
                * Vector128.LoadUnsafe(ref s0, (nuint)j);
            if (p.HasBias) v += Vector128.LoadUnsafe(ref b0, (nuint)j);
            v += Vector128.LoadUnsafe(ref k0, (nuint)j);
            if (p.Relu) v = Vector128.Max(v, Vector128<float>.Zero);
            if (p.Floats) v.StoreUnsafe(ref y0, (nuint)j);
            if (!p.Codes) continue;
            CodeStore.Store(v, ys, yz, lo, hi, ref q0, j);
        }
        return j;
    }
}

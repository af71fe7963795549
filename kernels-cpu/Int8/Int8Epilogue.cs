using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Epilogues for int32 GEMM results C[m, n]. Rescale: y = (float)C * (aScale * wScale[n]) + bias[n], then ReLU
/// when asked; the multiply and add are separate roundings (no FMA) so the vector and scalar loops give the
/// same bits. Requantize: q = clamp(round_half_to_even(y / yScale) + yZero, -128, 127) on the rescaled y.
/// wScales holds one per-tensor scale or one scale per output channel; bias is empty or [n].
/// </summary>
public static class Int8Epilogue
{
    /// <summary>
    /// Rescales int32 accumulators to float (per-tensor or per-channel weight scales, optional bias and ReLU).
    /// </summary>
    public static void Rescale(ReadOnlySpan<int> c, int m, int n, float aScale, ReadOnlySpan<float> wScales,
        ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        Check("Int8Epilogue.Rescale", c.Length, m, n, aScale, wScales, bias, y.Length);
        var vector = KernelTable.Active.Vector128;
        for (var i = 0; i < m; i++)
            RescaleRange(c.Slice(i * n, n), 0, aScale, wScales, bias, relu, y.Slice(i * n, n), vector);
    }

    /// <summary>Rescales as <see cref="Rescale"/> and requantizes to int8 with (yScale, yZeroPoint).</summary>
    public static void Requantize(ReadOnlySpan<int> c, int m, int n, float aScale, ReadOnlySpan<float> wScales,
        ReadOnlySpan<float> bias,
        bool relu, float yScale, int yZeroPoint, Span<sbyte> y)
    {
        if (!(yScale > 0) || !float.IsFinite(yScale))
            throw new ArgumentOutOfRangeException(nameof(yScale), yScale,
                "Int8Epilogue.Requantize: yScale must be finite and > 0.");
        if (yZeroPoint is < -128 or > 127)
            throw new ArgumentOutOfRangeException(nameof(yZeroPoint), yZeroPoint,
                "Int8Epilogue.Requantize: yZeroPoint must be in -128..127.");
        if (y.Length != (long)m * n)
            throw new ArgumentException($"Int8Epilogue.Requantize: y length {y.Length} != m {m} * n {n}.", nameof(y));
        Check("Int8Epilogue.Requantize", c.Length, m, n, aScale, wScales, bias, y.Length);
        var vector = KernelTable.Active.Vector128;
        // A stack block of rescaled floats at a time: the same values as a whole rescaled row, nothing allocated.
        Span<float> block = stackalloc float[Block];
        for (var i = 0; i < m; i++)
            for (var j0 = 0; j0 < n; j0 += Block)
            {
                var count = Math.Min(Block, n - j0);
                var f = block[..count];
                RescaleRange(c.Slice(i * n + j0, count), j0, aScale, wScales, bias, relu, f, vector);
                QuantizeLinear.PerTensor(f, yScale, yZeroPoint, y.Slice(i * n + j0, count));
            }
    }

    private const int Block = 256;

    // y[j] = c[j] * (aScale * wScale[j0 + j]) (+ bias[j0 + j]) (then ReLU): the scale product is formed per element
    // exactly as a precomputed scale row would hold it, so vector and scalar loops give the same bits.
    private static void RescaleRange(ReadOnlySpan<int> c, int j0, float aScale, ReadOnlySpan<float> wScales,
        ReadOnlySpan<float> bias, bool relu, Span<float> y, bool vector)
    {
        var perTensor = wScales.Length == 1;
        var tensorScale = aScale * wScales[0];
        var n = c.Length;
        var j = 0;
        if (vector)
        {
            var vs = Vector128.Create(aScale);
            for (; j + 4 <= n; j += 4)
            {
                var scale = perTensor ? Vector128.Create(tensorScale) : vs * Vector128.Create(wScales.Slice(j0 + j, 4));
                var v = Vector128.ConvertToSingle(Vector128.Create(c.Slice(j, 4))) * scale;
                if (!bias.IsEmpty) v += Vector128.Create(bias.Slice(j0 + j, 4));
                if (relu) v = Vector128.Max(v, Vector128<float>.Zero);
                v.CopyTo(y.Slice(j, 4));
            }
        }
        for (; j < n; j++)
        {
            var v = c[j] * (perTensor ? tensorScale : aScale * wScales[j0 + j]);
            if (!bias.IsEmpty) v += bias[j0 + j];
            y[j] = relu ? MathF.Max(v, 0f) : v;
        }
    }

    private static void Check(string op, int cLength, int m, int n, float aScale, ReadOnlySpan<float> wScales,
        ReadOnlySpan<float> bias, int yLength)
    {
        if (m < 1 || n < 1 || cLength != (long)m * n)
            throw new ArgumentException($"{op}: c length {cLength} != m {m} * n {n}.", "c");
        if (yLength != cLength) throw new ArgumentException($"{op}: y length {yLength} != m {m} * n {n}.", "y");
        if (!(aScale > 0) || !float.IsFinite(aScale))
            throw new ArgumentOutOfRangeException(nameof(aScale), aScale, $"{op}: aScale must be finite and > 0.");
        if (wScales.Length != 1 && wScales.Length != n)
            throw new ArgumentException($"{op}: wScales length {wScales.Length} must be 1 or n {n}.", nameof(wScales));
        if (!bias.IsEmpty && bias.Length != n)
            throw new ArgumentException($"{op}: bias length {bias.Length} != n {n}.", nameof(bias));
    }
}

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
    /// <summary>Rescales int32 accumulators to float (per-tensor or per-channel weight scales, optional bias and ReLU).</summary>
    public static void Rescale(ReadOnlySpan<int> c, int m, int n, float aScale, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, bool relu, Span<float> y)
    {
        var scale = Scales("Int8Epilogue.Rescale", c.Length, m, n, aScale, wScales, bias, y.Length);
        var vector = KernelDispatch.Active >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated;
        for (var i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            var yr = y.Slice(i * n, n);
            var j = 0;
            if (vector)
            {
                for (; j + 4 <= n; j += 4)
                {
                    var v = Vector128.ConvertToSingle(Vector128.Create(row.Slice(j, 4))) * Vector128.Create(scale.AsSpan(j, 4));
                    if (!bias.IsEmpty) v += Vector128.Create(bias.Slice(j, 4));
                    if (relu) v = Vector128.Max(v, Vector128<float>.Zero);
                    v.CopyTo(yr.Slice(j, 4));
                }
            }
            for (; j < n; j++)
            {
                var v = row[j] * scale[j];
                if (!bias.IsEmpty) v += bias[j];
                yr[j] = relu ? MathF.Max(v, 0f) : v;
            }
        }
    }

    /// <summary>Rescales as <see cref="Rescale"/> and requantizes to int8 with (yScale, yZeroPoint).</summary>
    public static void Requantize(ReadOnlySpan<int> c, int m, int n, float aScale, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias,
        bool relu, float yScale, int yZeroPoint, Span<sbyte> y)
    {
        if (!(yScale > 0) || !float.IsFinite(yScale)) throw new ArgumentOutOfRangeException(nameof(yScale), yScale, "Int8Epilogue.Requantize: yScale must be finite and > 0.");
        if (yZeroPoint is < -128 or > 127) throw new ArgumentOutOfRangeException(nameof(yZeroPoint), yZeroPoint, "Int8Epilogue.Requantize: yZeroPoint must be in -128..127.");
        if (y.Length != (long)m * n) throw new ArgumentException($"Int8Epilogue.Requantize: y length {y.Length} != m {m} * n {n}.", nameof(y));
        var f = new float[m * n];
        Rescale(c, m, n, aScale, wScales, bias, relu, f);
        QuantizeLinear.PerTensor(f, yScale, yZeroPoint, y);
    }

    private static float[] Scales(string op, int cLength, int m, int n, float aScale, ReadOnlySpan<float> wScales, ReadOnlySpan<float> bias, int yLength)
    {
        if (m < 1 || n < 1 || cLength != (long)m * n) throw new ArgumentException($"{op}: c length {cLength} != m {m} * n {n}.", "c");
        if (yLength != cLength) throw new ArgumentException($"{op}: y length {yLength} != m {m} * n {n}.", "y");
        if (!(aScale > 0) || !float.IsFinite(aScale)) throw new ArgumentOutOfRangeException(nameof(aScale), aScale, $"{op}: aScale must be finite and > 0.");
        if (wScales.Length != 1 && wScales.Length != n) throw new ArgumentException($"{op}: wScales length {wScales.Length} must be 1 or n {n}.", nameof(wScales));
        if (!bias.IsEmpty && bias.Length != n) throw new ArgumentException($"{op}: bias length {bias.Length} != n {n}.", nameof(bias));
        var s = new float[n];
        for (var j = 0; j < n; j++) s[j] = aScale * wScales[wScales.Length == 1 ? 0 : j];
        return s;
    }
}

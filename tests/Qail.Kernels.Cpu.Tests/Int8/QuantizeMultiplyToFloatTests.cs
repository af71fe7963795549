using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>
/// One quantized layer from float inputs (<see cref="Int8Gemm.QuantizeMultiplyToFloat"/>, the generated VNNI path
/// rescaling each tile in L1): on every instruction-set path and thread count, the bits of the scalar steps --
/// <see cref="QuantizeLinear.One"/>, the reference GEMM, then y = (float)c * scale + bias and max(y, 0).
/// </summary>
public sealed class QuantizeMultiplyToFloatTests
{
    private static (float[] Expected, Func<float[]> Run) Case(Random r, int m, int n, int k)
    {
        var w = Weights(r, n * k);
        int[] zw = r.Next(3) switch
        {
            0 => [], 1 => [r.Next(-128, 128)], _ => Enumerable.Range(0, n).Select(_ => r.Next(-128, 128)).ToArray(),
        };
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        bool unsignedCodes = r.Next(2) == 0, relu = r.Next(2) == 0;
        int bits = r.Next(2, 9);
        int qMin = unsignedCodes ? 0 : -(1 << (bits - 1));
        int qMax = unsignedCodes ? (1 << bits) - 1 : (1 << (bits - 1)) - 1;
        int zero = unsignedCodes ? r.Next(qMin, qMax + 1) : 0;
        // One case in four puts inputs on half steps of the scale: ties round to even.
        bool ties = r.Next(4) == 0;
        float xScale = ties ? 0.5f : 0.002f + 0.05f * (float)r.NextDouble();
        var x = ties
            ? Enumerable.Range(0, m * k).Select(_ => r.Next(-600, 600) * 0.25f).ToArray()
            : Floats(r, m * k, 3f);
        var scales = Enumerable.Range(0, n).Select(_ => 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Floats(r, n, 2f);
        var codes = x.Select(v => QuantizeLinear.One(v, xScale, zero, qMin, qMax)).ToArray();
        var c = new int[m * n];
        if (unsignedCodes) Int8GemmReference.Multiply(codes.Select(v => (byte)v).ToArray(), m, zero, w, n, k, zw, c);
        else Int8GemmReference.Multiply(codes.Select(v => (sbyte)v).ToArray(), m, zero, w, n, k, zw, c);
        var expected = new float[m * n];
        for (int i = 0; i < expected.Length; i++)
        {
            float v = c[i] * scales[i % n];
            if (bias.Length > 0) v += bias[i % n];
            expected[i] = relu ? MathF.Max(v, 0f) : v;
        }
        return (expected, () =>
        {
            var y = new float[m * n];
            Int8Gemm.QuantizeMultiplyToFloat(x, m, xScale, zero, qMin, qMax, unsignedCodes, packed, scales, bias, relu,
                y);
            return y;
        });
    }

    /// <summary>Random shapes from 1 (odd, partial row groups and panels, K not a multiple of 4).</summary>
    [Property(MaxTest = 50, Replay = "(20261206,11)")]
    public void EveryPathGivesTheScalarStepsBits(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 30), r.Next(1, 70), r.Next(1, 90));
        var (expected, run) = Case(r, m, n, k);
        foreach (var (isa, y) in OnEveryPath(run)) AssertSame(expected, y, $"{isa} m={m} n={n} k={k}");
    }

    /// <summary>A VLA-sized layer (many rows, several tiles) split over 2 threads: the same bits.</summary>
    [Property(MaxTest = 3, Replay = "(20261206,13)")]
    public void ThreadedLayerGivesTheSameBits(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(100, 140), r.Next(150, 260), r.Next(60, 260));
        var (expected, run) = Case(r, m, n, k);
        var saved = KernelThreads.Count;
        try
        {
            KernelThreads.Count = 2;
            foreach (var (isa, y) in OnEveryPath(run)) AssertSame(expected, y, $"{isa} threaded m={m} n={n} k={k}");
        }
        finally { KernelThreads.Count = saved; }
    }

    [Fact]
    public void BadArgumentsNameTheirParameter()
    {
        var packed = PackedInt8Weights.Pack(new sbyte[6], 2, 3);
        float[] scales = [1f, 1f];
        void Call(float[] x, float xScale, int zero, int qMin, int qMax, bool unsignedCodes, float[] s, float[] b,
            float[] y) => Int8Gemm.QuantizeMultiplyToFloat(x, 2, xScale, zero, qMin, qMax, unsignedCodes, packed, s, b,
            false, y);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() =>
            Call(new float[5], 1f, 0, 0, 255, true, scales, [], new float[4])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() =>
            Call(new float[6], 1f, 0, 0, 255, true, scales, [], new float[3])).ParamName);
        Assert.Equal("outputScales", Assert.Throws<ArgumentException>(() =>
            Call(new float[6], 1f, 0, 0, 255, true, [1f], [], new float[4])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() =>
            Call(new float[6], 1f, 0, 0, 255, true, scales, [1f], new float[4])).ParamName);
        Assert.Equal("xScale", Assert.Throws<ArgumentOutOfRangeException>(() =>
            Call(new float[6], 0f, 0, 0, 255, true, scales, [], new float[4])).ParamName);
        Assert.Equal("qMin", Assert.Throws<ArgumentException>(() =>
            Call(new float[6], 1f, 0, -128, 127, true, scales, [], new float[4])).ParamName);
        Assert.Equal("xZero", Assert.Throws<ArgumentOutOfRangeException>(() =>
            Call(new float[6], 1f, 9, 0, 7, true, scales, [], new float[4])).ParamName);
        Assert.Throws<ArgumentException>(() =>
            Call([0f, float.NaN, 0f, 0f, 0f, 0f], 1f, 0, 0, 255, true, scales, [], new float[4]));
    }
}

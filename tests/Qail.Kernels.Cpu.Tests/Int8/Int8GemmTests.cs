using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>Int8 GEMM: every path equals the scalar reference bit for bit; epilogues; argument checks.</summary>
public sealed class Int8GemmTests
{
    private static (int[] Expected, Func<int[]> Run) Case(Random r, int m, int n, int k)
    {
        var w = Weights(r, n * k);
        int[] zw = r.Next(3) switch { 0 => [], 1 => [r.Next(-128, 128)],
            _ => Enumerable.Range(0, n).Select(_ => r.Next(-128, 128)).ToArray() };
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        var expected = new int[m * n];
        if (r.Next(2) == 0)
        {
            var a = Bytes(r, m * k);
            var za = r.Next(256);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            return (expected, () => { var c = new int[m * n]; Int8Gemm.Multiply(a, m, za, packed, c); return c; });
        }
        else
        {
            var a = SBytes(r, m * k);
            var za = r.Next(-128, 128);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            return (expected, () => { var c = new int[m * n]; Int8Gemm.Multiply(a, m, za, packed, c); return c; });
        }
    }

    /// <summary>
    /// Random small shapes (m, n, k from 1; odd; not multiples of 4 or 16), uint8 and int8 activations, all zero-point
    /// kinds.
    /// </summary>
    [Property(MaxTest = 60, Replay = "(8101,3)")]
    public void EveryPathEqualsReferenceBitForBit(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 12), r.Next(1, 40), r.Next(1, 70));
        var (expected, run) = Case(r, m, n, k);
        foreach (var (isa, c) in OnEveryPath(run)) AssertSame(expected, c, $"{isa} m={m} n={n} k={k}");
    }

    /// <summary>Shapes past the 128-row block with 2 threads: still the reference's bits.</summary>
    [Property(MaxTest = 3, Replay = "(77,1)")]
    public void BlockedAndThreadedEqualsReference(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(129, 140), r.Next(33, 70), r.Next(100, 200));
        var (expected, run) = Case(r, m, n, k);
        var saved = KernelThreads.Count;
        try
        {
            KernelThreads.Count = 2;
            foreach (var (isa, c) in OnEveryPath(run)) AssertSame(expected, c, $"{isa} threaded m={m} n={n} k={k}");
        }
        finally { KernelThreads.Count = saved; }
    }

    /// <summary>
    /// Convolution-like shapes (many rows, one panel of outputs) split over 2 threads by row blocks: the reference's
    /// bits.
    /// </summary>
    [Property(MaxTest = 4, Replay = "(31,7)")]
    public void ManyRowsFewOutputsSplitByRowsEqualsReference(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(129, 600), r.Next(1, 17), r.Next(1, 80));
        var (expected, run) = Case(r, m, n, k);
        var saved = KernelThreads.Count;
        try
        {
            KernelThreads.Count = 2;
            foreach (var (isa, c) in OnEveryPath(run)) AssertSame(expected, c, $"{isa} rows split m={m} n={n} k={k}");
        }
        finally { KernelThreads.Count = saved; }
    }

    /// <summary>The float epilogue: vector and scalar loops give the same bits, equal to the stated formula.</summary>
    [Property(MaxTest = 30, Replay = "(5,55)")]
    public void RescaleEpilogueIsExactOnEveryPath(int seed)
    {
        var r = new Random(seed);
        var (m, n) = (r.Next(1, 6), r.Next(1, 23));
        var c = Enumerable.Range(0, m * n).Select(_ => r.Next(-100000, 100000)).ToArray();
        var aScale = 0.01f + (float)r.NextDouble();
        var ws = Enumerable.Range(0, r.Next(2) == 0 ? 1 : n).Select(_ => 0.001f + (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Floats(r, n, 100);
        var relu = r.Next(2) == 0;
        var expected = new float[m * n];
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var v = c[i * n + j] * (aScale * ws[ws.Length == 1 ? 0 : j]);
                if (bias.Length > 0) v += bias[j];
                expected[i * n + j] = relu ? MathF.Max(v, 0) : v;
            }
        foreach (var (isa, y) in OnEveryPath(() =>
        {
            var y = new float[m * n];
            Int8Epilogue.Rescale(c, m, n, aScale, ws, bias, relu, y);
            return y;
        }))
            AssertSame(expected, y, $"{isa} rescale");
    }

    /// <summary>The requantizing GEMM equals rescale + round-half-even + clamp done by hand.</summary>
    [Property(MaxTest = 20, Replay = "(6,67)")]
    public void RequantizeMatchesRescaleThenQuantize(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 5), r.Next(1, 20), r.Next(1, 40));
        var w = Weights(r, n * k);
        var a = SBytes(r, m * k);
        var ws = Enumerable.Range(0, n).Select(_ => 0.001f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = Floats(r, n);
        var packed = PackedInt8Weights.Pack(w, n, k);
        var c = new int[m * n];
        Int8GemmReference.Multiply(a, m, 3, w, n, k, [], c);
        var y = new sbyte[m * n];
        Int8Gemm.MultiplyRequantize(a, m, 3, 0.02f, packed, ws, bias, true, 0.05f, -5, y);
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var f = MathF.Max(c[i * n + j] * (0.02f * ws[j]) + bias[j], 0);
                var q = (int)Math.Clamp(MathF.Round(f / 0.05f, MidpointRounding.ToEven) - 5, -128, 127);
                Assert.Equal(q, y[i * n + j]);
            }
    }

    [Fact]
    public void MinusOneTwentyEightWeightIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[] { 1, -128 }, 1, 2));
        Assert.Equal("weights", e.ParamName);
    }

    [Fact]
    public void BadShapesNameTheArgument()
    {
        var packed = PackedInt8Weights.Pack(new sbyte[6], 2, 3);
        Assert.Equal("a",
            Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new byte[5], 2, 0, packed, new int[4])).ParamName);
        Assert.Equal("c",
            Assert.Throws<ArgumentException>(() => Int8Gemm.Multiply(new byte[6], 2, 0, packed, new int[3])).ParamName);
        Assert.Equal("zeroPoints",
            Assert.Throws<ArgumentException>(() => PackedInt8Weights.Pack(new sbyte[6], 2, 3, [1, 2, 3])).ParamName);
        Assert.Equal("wScales", Assert.Throws<ArgumentException>(() => Int8Epilogue.Rescale(new int[4], 2, 2, 1f,
            [1f, 1f, 1f], [], false, new float[4])).ParamName);
    }
}

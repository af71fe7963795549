using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>
/// The few-row int8 paths (GEMV kernels for m &lt;= 4, the blocked GEMM just above): every forced path equals the
/// scalar reference bit for bit, over random m in 1..8 and odd n and k (partial panels, a lone last panel, K tails).
/// </summary>
public sealed class Int8GemvTests
{
    private static int Odd(Random r, int max) => 2 * r.Next(0, (max + 1) / 2) + 1;

    private static int[] ZeroPoints(Random r, int n) =>
        r.Next(3) switch { 0 => [], 1 => [r.Next(-128, 128)],
            _ => Enumerable.Range(0, n).Select(_ => r.Next(-128, 128)).ToArray() };

    /// <summary>Int8Gemm.Multiply, uint8 and int8 activations, every zero-point kind, every path.</summary>
    [Property(MaxTest = 40, Replay = "(2718,2819)")]
    public void SmallBatchEqualsReferenceOnEveryPath(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 9), Odd(r, 81), Odd(r, 301));
        var w = Weights(r, n * k);
        var zw = ZeroPoints(r, n);
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        var expected = new int[m * n];
        Func<int[]> run;
        if (r.Next(2) == 0)
        {
            var a = Bytes(r, m * k);
            var za = r.Next(256);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            run = () => { var c = new int[m * n]; Int8Gemm.Multiply(a, m, za, packed, c); return c; };
        }
        else
        {
            var a = SBytes(r, m * k);
            var za = r.Next(-128, 128);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            run = () => { var c = new int[m * n]; Int8Gemm.Multiply(a, m, za, packed, c); return c; };
        }
        foreach (var (isa, c) in OnEveryPath(run)) AssertSame(expected, c, $"{isa} m={m} n={n} k={k}");
    }

    /// <summary>
    /// The fused float and requantizing epilogues over the GEMV equal reference + epilogue formula on every path.
    /// </summary>
    [Property(MaxTest = 25, Replay = "(3141,5927)")]
    public void FusedEpiloguesEqualReferenceOnEveryPath(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 9), Odd(r, 61), Odd(r, 131));
        var w = Weights(r, n * k);
        var a = SBytes(r, m * k);
        var za = r.Next(-20, 20);
        var ws = Enumerable.Range(0, r.Next(2) == 0
            ? 1 : n).Select(_ => 0.001f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Floats(r, n);
        var relu = r.Next(2) == 0;
        var packed = PackedInt8Weights.Pack(w, n, k);
        var c = new int[m * n];
        Int8GemmReference.Multiply(a, m, za, w, n, k, [], c);
        var expectedF = new float[m * n];
        var expectedQ = new sbyte[m * n];
        for (var i = 0; i < m * n; i++)
        {
            var j = i % n;
            var v = c[i] * (0.02f * ws[ws.Length == 1 ? 0 : j]);
            if (bias.Length > 0) v += bias[j];
            expectedF[i] = relu ? MathF.Max(v, 0) : v;
            expectedQ[i] = (sbyte)Math.Clamp(MathF.Round(expectedF[i] / 0.05f, MidpointRounding.ToEven) - 5, -128, 127);
        }
        foreach (var (isa, y) in OnEveryPath(() =>
        {
            var y = new float[m * n];
            Int8Gemm.MultiplyToFloat(a, m, za, 0.02f, packed, ws, bias, relu, y);
            return y;
        }))
            AssertSame(expectedF, y, $"{isa} to-float m={m} n={n} k={k}");
        foreach (var (isa, y) in OnEveryPath(() =>
        {
            var y = new sbyte[m * n];
            Int8Gemm.MultiplyRequantize(a, m, za, 0.02f, packed, ws, bias, relu, 0.05f, -5, y);
            return y;
        }))
            AssertSame(expectedQ, y, $"{isa} requantize m={m} n={n} k={k}");
    }

    /// <summary>A GEMV large enough to split over 2 threads gives the reference's bits on every path.</summary>
    [Fact]
    public void ThreadedGemvEqualsReference()
    {
        var r = new Random(5);
        var (m, n, k) = (3, 613, 1201);
        var w = Weights(r, n * k);
        var a = Bytes(r, m * k);
        var zw = ZeroPoints(r, n);
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        var expected = new int[m * n];
        Int8GemmReference.Multiply(a, m, 7, w, n, k, zw, expected);
        KernelThreads.With(2, () =>
        {
            foreach (var (isa, c) in OnEveryPath(() =>
            {
                var c = new int[m * n];
                Int8Gemm.Multiply(a, m, 7, packed, c);
                return c;
            }))
                AssertSame(expected, c, $"{isa} threaded m={m} n={n} k={k}");
        });
    }
}

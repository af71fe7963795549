using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int4;

/// <summary>Canonical int4 format, its packing, and the int4 GEMV/GEMM on every path.</summary>
public sealed class Int4Tests
{
    private static readonly int[] GroupSizes = [32, 64, 128];

    /// <summary>Codes written at (n, k) land in byte (n*K + k)/2, low nibble first, and read back unchanged.</summary>
    [Property(MaxTest = 30, Replay = "(41,43)")]
    public void PackUnpackRoundTripsInTheCanonicalLayout(int seed)
    {
        var r = new Random(seed);
        var g = GroupSizes[r.Next(3)];
        var (n, k) = (r.Next(1, 9), g * r.Next(1, 4));
        var symmetric = r.Next(2) == 0;
        var codes = Enumerable.Range(0, n * k).Select(_ => symmetric ? r.Next(-8, 8) : r.Next(16)).ToArray();
        var packed = new byte[n * k / 2];
        for (var i = 0; i < codes.Length; i++)
            packed[i / 2] |= (byte)((codes[i] & 0xF) << (i % 2 == 0 ? 0 : 4));
        var zeros = Enumerable.Range(0, n * k / g).Select(_ => r.Next(16)).ToArray();
        byte[]? zp = null;
        if (!symmetric)
        {
            zp = new byte[(zeros.Length + 1) / 2];
            for (var i = 0; i < zeros.Length; i++) GroupwiseInt4Weights.SetNibble(zp, i, zeros[i]);
        }
        var w = new GroupwiseInt4Weights(packed, Enumerable.Repeat(0.5f, n * k / g).ToArray(), zp, n, k, g);
        for (var row = 0; row < n; row++)
            for (var col = 0; col < k; col++)
                Assert.Equal(codes[row * k + col], w.Code(row, col));
        for (var i = 0; i < zeros.Length; i++)
            Assert.Equal(symmetric ? 0 : zeros[i], w.ZeroPoint(i / (k / g), i % (k / g)));
        var dq = new float[n * k];
        w.Dequantize(dq);
        for (var i = 0; i < dq.Length; i++) Assert.Equal(0.5f * (codes[i] - (symmetric ? 0 : zeros[i / g])), dq[i]);
    }

    /// <summary>|w - dq(q(w))| &lt;= scale/2 for every weight (all weights lie inside their group's range).</summary>
    [Property(MaxTest = 30, Replay = "(12,13)")]
    public void QuantizationErrorIsAtMostHalfAScale(int seed)
    {
        var r = new Random(seed);
        var g = GroupSizes[r.Next(3)];
        var (n, k) = (r.Next(1, 6), g * r.Next(1, 3));
        var x = Floats(r, n * k, (float)Math.Pow(10, r.Next(-3, 3)));
        var w = GroupwiseInt4Weights.Quantize(x, n, k, g, symmetric: r.Next(2) == 0);
        var dq = new float[n * k];
        w.Dequantize(dq);
        for (var i = 0; i < x.Length; i++)
        {
            var scale = w.Scales[i / g];
            Assert.True(MathF.Abs(x[i] - dq[i]) <= scale / 2 * (1 + 1e-5f), $"i={i} x={x[i]} dq={dq[i]} scale={scale}");
        }
    }

    private static (PackedInt4Weights W, float[] X, float[] Bias, int Batch) Layer(Random r, int maxBatch)
    {
        var g = GroupSizes[r.Next(3)];
        var (n, k, batch) = (r.Next(1, 40), g * r.Next(1, 4), r.Next(1, maxBatch + 1));
        var w = GroupwiseInt4Weights.Quantize(Floats(r, n * k), n, k, g, symmetric: r.Next(2) == 0);
        return (new PackedInt4Weights(w), Floats(r, batch * k, 3), r.Next(2) == 0 ? [] : Floats(r, n), batch);
    }

    /// <summary>
    /// Integer modes (W4A8, W4A4): every path gives the bits of a reference computed from the canonical format in the
    /// documented float order (exact integer dots, fixed lane order, no FMA).
    /// Batches 1..8 (GEMV) and up to 20 (GEMM).
    /// </summary>
    [Property(MaxTest = 40, Replay = "(31,37)")]
    public void IntegerModesEqualReferenceBitForBitOnEveryPath(int seed)
    {
        var r = new Random(seed);
        var (w, x, bias, batch) = Layer(r, r.Next(2) == 0 ? 8 : 20);
        var mode = r.Next(2) == 0 ? Int4ActivationMode.Int8 : Int4ActivationMode.Int4;
        var expected = Reference(w.Source, x, batch, bias, mode == Int4ActivationMode.Int8 ? 127 : 7);
        foreach (var (isa, y) in OnEveryPath(() =>
            {
                var y = new float[batch * w.Rows];
                Int4Matmul.Multiply(w, x, batch, y, bias, mode);
                return y;
            }))
            AssertSame(expected, y, $"{isa} {mode} n={w.Rows} k={w.Columns} g={w.GroupSize} batch={batch}");
    }

    /// <summary>
    /// More than one 64-row tile on 2 threads: still the reference's bits (fixed partition by tiles).
    /// </summary>
    [Property(MaxTest = 4, Replay = "(61,67)")]
    public void ThreadedEqualsReference(int seed)
    {
        var r = new Random(seed);
        var g = GroupSizes[r.Next(3)];
        var (n, k, batch) = (r.Next(65, 200), g * r.Next(1, 3), r.Next(1, 12));
        var w = new PackedInt4Weights(GroupwiseInt4Weights.Quantize(Floats(r, n * k), n, k, g,
            symmetric: r.Next(2) == 0));
        var x = Floats(r, batch * k, 3);
        var expected = Reference(w.Source, x, batch, [], 127);
        var saved = KernelThreads.Count;
        try
        {
            KernelThreads.Count = 2;
            foreach (var (isa, y) in OnEveryPath(() =>
                {
                    var y = new float[batch * n];
                    Int4Matmul.Multiply(w, x, batch, y);
                    return y;
                }))
                AssertSame(expected, y, $"{isa} threaded n={n} k={k} batch={batch}");
        }
        finally { KernelThreads.Count = saved; }
    }

    // The documented float order: lane l (elements 4l..4l+3 of each 32-element chunk) accumulates
    // fma(sw*sx, sum(u*x), lane) over groups in order, u the unsigned code; the offset term sum(off*sumx) goes to lane
    // g mod 8; y = (sum of lanes in order) - (sum of offset lanes in order) + bias.
    private static float[] Reference(GroupwiseInt4Weights w, float[] x, int batch, float[] bias, int qMax)
    {
        int n = w.Rows, k = w.Columns, gs = w.GroupSize, groups = k / gs;
        var q = new sbyte[x.Length];
        var xs = new float[batch * groups];
        var sums = new int[batch * groups];
        Int4Matmul.QuantizeActivations(x, batch, k, gs, qMax, q, xs, sums);
        var y = new float[batch * n];
        for (var b = 0; b < batch; b++)
            for (var row = 0; row < n; row++)
            {
                var lanes = new float[8];
                var corr = new float[8];
                for (var g = 0; g < groups; g++)
                {
                    var off = w.IsSymmetric ? 8 : w.ZeroPoint(row, g);
                    var p = new int[8];
                    for (var i = g * gs; i < (g + 1) * gs; i++)
                        p[(i % 32) / 4] += (w.Code(row, i) + (w.IsSymmetric ? 8 : 0)) * q[b * k + i];
                    var d = w.Scales[row * groups + g] * xs[b * groups + g];
                    for (var l = 0; l < 8; l++) lanes[l] = float.MultiplyAddEstimate(d, p[l], lanes[l]);
                    corr[g % 8] += d * (float)(off * sums[b * groups + g]);
                }
                float sum = 0f, offTerm = 0f;
                for (var l = 0; l < 8; l++) { sum += lanes[l]; offTerm += corr[l]; }
                var v = sum - offTerm;
                y[b * n + row] = bias.Length == 0 ? v : v + bias[row];
            }
        return y;
    }

    /// <summary>
    /// Dequantize-to-fp32 mode: within 1e-5 relative (of sum |w x|) of a double-precision product of the dequantized
    /// weights.
    /// </summary>
    [Property(MaxTest = 30, Replay = "(21,23)")]
    public void FloatModeMatchesDequantizedProduct(int seed)
    {
        var r = new Random(seed);
        var (w, x, bias, batch) = Layer(r, 20);
        int n = w.Rows, k = w.Columns;
        var dq = new float[n * k];
        w.Source.Dequantize(dq);
        foreach (var (isa, y) in OnEveryPath(() =>
            {
                var y = new float[batch * n];
                Int4Matmul.Multiply(w, x, batch, y, bias, Int4ActivationMode.Float);
                return y;
            }))
            for (var b = 0; b < batch; b++)
                for (var row = 0; row < n; row++)
                {
                    double s = bias.Length == 0 ? 0 : bias[row], mag = Math.Abs(s);
                    for (var i = 0; i < k; i++)
                    {
                        s += (double)dq[row * k + i] * x[b * k + i];
                        mag += Math.Abs((double)dq[row * k + i] * x[b * k + i]);
                    }
                    Assert.True(Math.Abs(y[b * n + row] - s) <= 1e-5 * mag + 1e-30,
                        $"{isa} b={b} n={row}: {y[b * n + row]} vs {s}");
                }
    }

    /// <summary>
    /// W4A4 with pre-quantized canonical int4 activations equals the on-the-fly 4-bit mode bit for bit.
    /// </summary>
    [Property(MaxTest = 20, Replay = "(51,53)")]
    public void PrequantizedFourBitActivationsEqualOnTheFlyMode(int seed)
    {
        var r = new Random(seed);
        var (w, x, bias, batch) = Layer(r, 12);
        var a = GroupwiseInt4Weights.Quantize(x, batch, w.Columns, w.GroupSize, symmetric: true);
        foreach (var isa in Available)
            KernelDispatch.With(isa, () =>
            {
                var expected = new float[batch * w.Rows];
                Int4Matmul.Multiply(w, x, batch, expected, bias, Int4ActivationMode.Int4);
                var y = new float[batch * w.Rows];
                Int4Matmul.Multiply(w, a, y, bias);
                AssertSame(expected, y, $"{isa} W4A4");
            });
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        Assert.Equal("groupSize", Assert.Throws<ArgumentException>(() => GroupwiseInt4Weights.Quantize(new float[96], 2,
            48, 48, true)).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentException>(() => GroupwiseInt4Weights.Quantize(new float[80], 2,
            40, 32, true)).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentException>(() => new GroupwiseInt4Weights(new byte[3], new float[2],
            null, 2, 32, 32)).ParamName);
        Assert.Equal("scales", Assert.Throws<ArgumentException>(() => new GroupwiseInt4Weights(new byte[32],
            new float[2] { 1, 0 }, null, 2, 32, 32)).ParamName);
        Assert.Equal("zeroPoints", Assert.Throws<ArgumentException>(() => new GroupwiseInt4Weights(new byte[32], [1, 1],
            new byte[2], 2, 32, 32)).ParamName);
        var w = new PackedInt4Weights(GroupwiseInt4Weights.Quantize(new float[64], 2, 32, 32, true));
        Assert.Equal("x",
            Assert.Throws<ArgumentException>(() => Int4Matmul.Multiply(w, new float[31], 1, new float[2])).ParamName);
        Assert.Equal("y",
            Assert.Throws<ArgumentException>(() => Int4Matmul.Multiply(w, new float[32], 1, new float[3])).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => Int4Matmul.Multiply(w, new float[32], 1,
            new float[2], new float[1])).ParamName);
    }
}

using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using Qail.Kernels.Cpu;
using Qail.Kernels.Cuda;

namespace Qail.Kernels.Cuda.Tests;

/// <summary>
/// The OpenCL twin (PoCL on the CPU in CI) against the CPU reference kernels: integer outputs and single-operation
/// float outputs bit for bit; the int4 GEMV within the float-reassociation bound stated in <see cref="GemvTolerance"/>.
/// </summary>
public sealed class OpenClProperties
{
    private static readonly OpenClDevice? Device = OpenClDevice.TryGet(out Reason);
    private static readonly string Reason;

    private static OpenClKernels Kernels()
    {
        Skip.If(Device is null, $"OpenCL unavailable: {Reason}");
        return new OpenClKernels(Device!);
    }

    private static void Check(Property property, int maxTest, ulong seed) =>
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL),
                FSharpOption<int>.None))));

    // Values never zero: a random magnitude in [0.01, 8) with a random sign; a quarter land exactly on a half-way
    // point (k + 0.5) * scale so round-half-to-even is exercised.
    private static Gen<float[]> Values(int length, float scale) =>
        Gen.ArrayOf(Gen.Choose(1, 80_000).Zip(Gen.Choose(0, 7)), length).Select(a => a.Select(p =>
        {
            var (m, kind) = p;
            var sign = (kind & 1) == 0 ? 1f : -1f;
            return kind >= 6 ? sign * ((m % 200) + 0.5f) * scale : sign * m / 10_000f;
        }).ToArray());

    [SkippableFact]
    public void QuantizeEqualsCpuPerGroup()
    {
        var kernels = Kernels();
        var gen =
            from rows in Gen.Choose(1, 6)
            from groupSize in Gen.Choose(1, 40)
            from groupsPerRow in Gen.Choose(1, 4)
            from scale in Gen.Choose(1, 400).Select(s => s / 1000f)
            from x in Values(rows * groupSize * groupsPerRow, scale)
            from scales in Gen.ArrayOf(Gen.Choose(1, 400).Select(s => s / 1000f), rows * groupsPerRow)
            from zeros in Gen.ArrayOf(Gen.Choose(-20, 20), rows * groupsPerRow)
            select (rows, cols: groupSize * groupsPerRow, groupSize, x, scales, zeros);
        Check(Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var expected = new sbyte[c.x.Length];
            QuantizeLinear.PerGroup(c.x, c.rows, c.cols, c.groupSize, c.scales, c.zeros, expected, -128, 127);
            var actual = kernels.Quantize(c.x, c.scales, c.zeros, c.groupSize, -128, 127);
            return expected.AsSpan().SequenceEqual(actual);
        }), 50, 71);
    }

    [SkippableFact]
    public void QuantizeRoundsHalfToEvenLikeCpu()
    {
        var kernels = Kernels();
        float[] x = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 3.5f, -3.5f];
        var expected = new sbyte[x.Length];
        QuantizeLinear.PerTensor(x, 1f, 0, expected, -128, 127);
        Assert.Equal([0, 2, 2, 0, -2, -2, 4, -4], expected.Select(v => (int)v));
        Assert.Equal(expected, kernels.Quantize(x, [1f], [0], x.Length, -128, 127));
    }

    [SkippableFact]
    public void DequantizeEqualsCpu()
    {
        var kernels = Kernels();
        var gen =
            from rows in Gen.Choose(1, 6)
            from groupSize in Gen.Choose(1, 40)
            from groupsPerRow in Gen.Choose(1, 4)
            from q in Gen.ArrayOf(Gen.Choose(-128, 127).Where(v => v != 0).Select(v => (sbyte)v),
                rows * groupSize * groupsPerRow)
            from scales in Gen.ArrayOf(Gen.Choose(1, 100_000).Select(s => s / 77_777f), rows * groupsPerRow)
            from zeros in Gen.ArrayOf(Gen.Choose(-20, 20), rows * groupsPerRow)
            select (rows, cols: groupSize * groupsPerRow, groupSize, q, scales, zeros);
        Check(Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var expected = new float[c.q.Length];
            QuantizeLinear.DequantizePerGroup(c.q, c.rows, c.cols, c.groupSize, c.scales, c.zeros, expected);
            return BitEqual(expected, kernels.Dequantize(c.q, c.scales, c.zeros, c.groupSize));
        }), 50, 72);
    }

    [SkippableFact]
    public void Int4DequantizeEqualsCpu()
    {
        var kernels = Kernels();
        Check(Prop.ForAll(Int4Cases(maxBatch: 1).ToArbitrary(), c =>
        {
            var expected = new float[c.W.Rows * c.W.Columns];
            c.W.Dequantize(expected);
            return BitEqual(expected, kernels.DequantizeInt4(c.W));
        }), 40, 73);
    }

    [SkippableFact]
    public void Int4GemvEqualsCpuWithinReassociationBound()
    {
        var kernels = Kernels();
        Check(Prop.ForAll(Int4Cases(maxBatch: 8).ToArbitrary(), c =>
        {
            var k = c.W.Columns;
            var expected = new float[c.Batch * c.W.Rows];
            Int4Matmul.Multiply(new PackedInt4Weights(c.W), c.X, c.Batch, expected, c.Bias, Int4ActivationMode.Float);
            var actual = kernels.Int4Gemv(c.W, c.X, c.Batch, c.Bias);
            var w = new float[c.W.Rows * k];
            c.W.Dequantize(w);
            for (var b = 0; b < c.Batch; b++)
                for (var n = 0; n < c.W.Rows; n++)
                {
                    double magnitude = Math.Abs(c.Bias[n]);
                    for (var i = 0; i < k; i++) magnitude += Math.Abs((double)w[n * k + i] * c.X[b * k + i]);
                    var i0 = b * c.W.Rows + n;
                    if (Math.Abs(expected[i0] - actual[i0]) > GemvTolerance(k, magnitude)) return false;
                }
            return true;
        }), 40, 74);
    }

    /// <summary>
    /// Both sums are K-term fp32 dot products of the same exact products in different orders (the CPU dequantizes
    /// then sums, the twin sums per group then scales), each within (K + 2) * 2^-24 * sum |w x| of the exact value,
    /// so they differ by at most twice that.
    /// </summary>
    private static double GemvTolerance(int k, double magnitude) => 2.0 * (k + 2) * Math.Pow(2, -24) * magnitude;

    [SkippableFact]
    public void ElementwiseEqualsCpu()
    {
        var kernels = Kernels();
        var gen = from n in Gen.Choose(1, 300)
                  from a in Values(n, 0.25f)
                  from b in Values(n, 0.5f)
                  from alpha in Gen.Choose(-300, 300).Where(v => v != 0).Select(v => v / 37f)
                  select (a, b, alpha);
        Check(Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var y = new float[c.a.Length];
            Elementwise.Add(c.a, c.b, y);
            var ok = BitEqual(y, kernels.Binary("ew_add", c.a, c.b));
            Elementwise.Subtract(c.a, c.b, y);
            ok &= BitEqual(y, kernels.Binary("ew_sub", c.a, c.b));
            Elementwise.Multiply(c.a, c.b, y);
            ok &= BitEqual(y, kernels.Binary("ew_mul", c.a, c.b));
            Elementwise.Scale(c.a, c.alpha, y);
            ok &= BitEqual(y, kernels.Scale(c.a, c.alpha));
            Elementwise.Relu(c.a, y);
            ok &= BitEqual(y, kernels.Relu(c.a));
            return ok;
        }), 30, 75);
    }

    [SkippableFact]
    public void QuantizeRejectsNaN()
    {
        var kernels = Kernels();
        var e = Assert.Throws<ArgumentException>(() => kernels.Quantize([1f, float.NaN], [1f], [0], 2, -128, 127));
        Assert.Contains("NaN", e.Message);
    }

    private static Gen<(GroupwiseInt4Weights W, float[] X, float[] Bias, int Batch)> Int4Cases(int maxBatch) =>
        from rows in Gen.Choose(1, 24)
        from groupSize in Gen.Elements(32, 64, 128)
        from groups in Gen.Choose(1, 3)
        from symmetric in Gen.Elements(true, false)
        from batch in Gen.Choose(1, maxBatch)
        from w in Values(rows * groupSize * groups, 0.01f)
        from x in Values(batch * groupSize * groups, 0.1f)
        from bias in Values(rows, 0.1f)
        select (GroupwiseInt4Weights.Quantize(w, rows, groupSize * groups, groupSize, symmetric), x, bias, batch);

    private static bool BitEqual(float[] expected, float[] actual) =>
        expected.Length == actual.Length && expected.Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(actual.Select(BitConverter.SingleToInt32Bits));
}

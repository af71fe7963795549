using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Qail.Engine.Tests;

/// <summary>
/// The fused fake-quantize op and its LSQ backward against the composition of elementwise ops they replace, bit for
/// bit, over random shapes, step layouts (scalar, per leading index), grids, rounding noise and special values.
/// </summary>
public class FakeQuantizeOpTests
{
    private static readonly double[] Specials = [0.0, -0.0, double.NaN, double.PositiveInfinity, 1e-30, 2.5, -1.5];

    // Input shape, how many leading dims the steps follow (0: a rank-0 step, as per-tensor quantizers use), the grid
    // and whether noise is added.
    private static Gen<(int[] Shape, int Kept, int QMin, int QMax, bool Noise, int Seed)> Cases() =>
        from rank in Gen.Choose(1, 4)
        from shape in Gen.ArrayOf(Gen.Choose(1, 6), rank)
        from wide in Gen.Elements(1, 1, 90)
        from kept in Gen.Choose(0, rank)
        from bits in Gen.Choose(2, 8)
        from symmetric in Gen.Elements(true, false)
        from noise in Gen.Elements(true, false)
        from seed in Gen.Choose(0, 100_000)
        select (shape.Select((s, d) => d == rank - 1 ? s * wide : s).ToArray(), kept,
            symmetric ? -(1 << (bits - 1)) + 1 : 0, symmetric ? (1 << (bits - 1)) - 1 : (1 << bits) - 1, noise, seed);

    [Property(MaxTest = 80, Replay = Ref.Seed)]
    public Property ForwardAndBackwardEqualTheCompositionBitForBit() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            var (x, s, z, u, g) = Operands(c.Shape, c.Kept, c.QMin, c.QMax, c.Noise, c.Seed, dtype);
            const double factor = 0.37;
            AssertBits(ComposedForward(x, s, z, c.QMin, c.QMax, u), Tensor.FakeQuantize(x, s, z, c.QMin, c.QMax, u));
            var (dx, ds) = ComposedBackward(g, x, s, z, c.QMin, c.QMax, u, factor);
            var fused = Tensor.FakeQuantizeBackward(g, x, s, z, c.QMin, c.QMax, u, factor, true, true);
            AssertBits(dx, fused.Input!);
            AssertBits(ds, fused.Scale!);
            var inputOnly = Tensor.FakeQuantizeBackward(g, x, s, z, c.QMin, c.QMax, u, factor, true, false);
            Assert.Null(inputOnly.Scale);
            AssertBits(dx, inputOnly.Input!);
        }
    });

    [Fact]
    public void AStepThatDoesNotCoverContiguousRunsIsRejectedWithTheShapes()
    {
        var x = Tensor.Zeros([4, 6]);
        var error = Assert.Throws<ArgumentException>(() =>
            Tensor.FakeQuantize(x, Tensor.Ones([1, 6]), Tensor.Zeros([1, 6]), -7, 7));
        Assert.Contains("scale shape [1, 6]", error.Message);
        Assert.Contains("[4, 6]", error.Message);
        var noise = Assert.Throws<ArgumentException>(() =>
            Tensor.FakeQuantize(x, Tensor.Ones([]), Tensor.Zeros([]), -7, 7, Tensor.Zeros([4, 5])));
        Assert.Contains("rounding noise shape [4, 5]", noise.Message);
        Assert.Throws<ArgumentException>(() => Tensor.FakeQuantize(x, Tensor.Ones([]), Tensor.Zeros([]), 7, 7));
    }

    private static (Tensor X, Tensor S, Tensor Z, Tensor? U, Tensor G) Operands(int[] shape, int kept, int qMin,
        int qMax, bool noise, int seed, DType dtype)
    {
        var random = new Random(seed);
        long n = Shapes.ElementCount(shape);
        var values = new double[n];
        for (int i = 0; i < n; i++)
            values[i] = random.Next(8) == 0 ? Specials[random.Next(Specials.Length)] : random.NextDouble() * 6 - 3;
        int[] stepShape = kept == 0 ? [] : shape.Select((s, d) => d < kept ? s : 1).ToArray();
        long cells = Shapes.ElementCount(stepShape);
        var steps = Enumerable.Range(0, (int)cells).Select(_ => 0.05 + random.NextDouble()).ToArray();
        // Symmetric grids have zero points 0; asymmetric ones any code of the grid.
        var zeros = Enumerable.Range(0, (int)cells).Select(_ => qMin < 0 ? 0.0 : random.Next(qMin, qMax + 1)).ToArray();
        var x = Tensor.From<double>(values, shape).Cast(dtype);
        var u = noise ? Tensor.RandomUniform(shape, seed, -0.5, 0.5, dtype) : null;
        var g = Tensor.RandomNormal(shape, seed + 1, dtype: dtype);
        return (x, Tensor.From<double>(steps, stepShape).Cast(dtype), Tensor.From<double>(zeros, stepShape).Cast(dtype),
            u, g);
    }

    private static Tensor ComposedForward(Tensor x, Tensor s, Tensor z, int qMin, int qMax, Tensor? u)
    {
        var scaled = Tensor.Div(x, s);
        var codes = Tensor.Add((u is null ? scaled : Tensor.Add(scaled, u)).Round(), z);
        return Tensor.Mul(Tensor.Sub(codes.Clamp(qMin, qMax), z), s);
    }

    private static (Tensor Input, Tensor Scale) ComposedBackward(Tensor g, Tensor x, Tensor s, Tensor z, int qMin,
        int qMax, Tensor? u, double factor)
    {
        var scaled = Tensor.Div(x, s);
        var codes = Tensor.Add((u is null ? scaled : Tensor.Add(scaled, u)).Round(), z);
        var centred = Tensor.Sub(codes.Clamp(qMin, qMax), z);
        var inside = Tensor.Mul(Tensor.Ge(codes, qMin).Cast(g.DType), Tensor.Le(codes, qMax).Cast(g.DType));
        var local = Tensor.Sub(centred, Tensor.Mul(scaled, inside));
        return (Tensor.Mul(g, inside), Tensor.Mul(Tensor.Mul(g, local), factor).SumToShape(s.ShapeSpan));
    }

    private static void AssertBits(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.ShapeToArray(), actual.ShapeToArray());
        var (e, a) = (expected.ToDoubleArray(), actual.ToDoubleArray());
        for (int i = 0; i < e.Length; i++)
            Assert.True(BitConverter.DoubleToInt64Bits(e[i]) == BitConverter.DoubleToInt64Bits(a[i]),
                $"element {i}: expected {e[i]:R}, got {a[i]:R}");
    }
}

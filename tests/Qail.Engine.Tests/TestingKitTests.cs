using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class TestingKitTests
{
    [Property(MaxTest = 100, Replay = Ref.Seed)]
    public Property ShapesRespectRankAndElementBounds() => Prop.ForAll(TensorGen.Shape(1, 3, 6, 50).ToArbitrary(), s =>
        s.Length is >= 1 and <= 3 && s.All(d => d is >= 0 and <= 6) && Ref.Count(s) <= 50);

    [Property(MaxTest = 100, Replay = Ref.Seed)]
    public Property BroadcastPairsBroadcast() => Prop.ForAll(TensorGen.BroadcastShapes().ToArbitrary(), p =>
    {
        int rank = Math.Max(p.A.Length, p.B.Length);
        for (int i = 1; i <= rank; i++)
        {
            int a = i <= p.A.Length ? p.A[^i] : 1, b = i <= p.B.Length ? p.B[^i] : 1;
            Assert.True(a == b || a == 1 || b == 1, $"{Shapes.Format(p.A)} vs {Shapes.Format(p.B)}");
        }
    });

    [Property(MaxTest = 100, Replay = Ref.Seed)]
    public Property MatMulPairsShareTheInnerDim() => Prop.ForAll(TensorGen.MatMulShapes().ToArbitrary(), p =>
        (p.A.Length == 1 ? p.A[0] : p.A[^1]) == (p.B.Length == 1 ? p.B[0] : p.B[^2]));

    [Fact]
    public void TensorsComeInEveryLayoutAndDType()
    {
        var shape = new[] { 3, 4 };
        foreach (var dtype in new[] { DType.Float32, DType.Float64, DType.Int32, DType.Int8, DType.UInt8,
            DType.Int4Packed })
            Assert.All(TensorGen.Tensor(shape, dtype).Sample(10, 20), t =>
            {
                Assert.Equal(dtype, t.DType);
                Assert.Equal(shape, t.ShapeToArray());
            });
        Assert.All(TensorGen.Sliced(shape, DType.Float32).Sample(10, 10), t => Assert.False(t.IsContiguous));
        Assert.Contains(TensorGen.Permuted(shape, DType.Float32).Sample(10, 20), t => !t.IsContiguous);
        Assert.Contains(TensorGen.Expanded(shape, DType.Float32).Sample(10, 20), t => t.Strides.Contains(0));
    }

    [Fact]
    public void ValuesStayInRangeAndHitRoundingBoundaries()
    {
        var values = TensorGen.Values(2000, DType.Float64, ValueRange.NearRoundingBoundaries).Sample(10, 1)[0];
        Assert.All(values, v => Assert.InRange(v, -4, 4));
        Assert.Contains(values, v => Math.Abs(v - Math.Floor(v) - 0.5) < 1e-9 && v - Math.Floor(v) != 0.5);
        Assert.Contains(values, v => v - Math.Floor(v) == 0.5);
        var ints = TensorGen.Values(500, DType.UInt8, new ValueRange(-10, 300)).Sample(10, 1)[0];
        Assert.All(ints, v => Assert.True(v == Math.Round(v) && v is >= 0 and <= 255));
    }

    [Fact]
    public void AllCloseReportsTheWorstElement()
    {
        var expected = Tensor.From(new[] { 1.0, 2.0, 3.0, 4.0 }, [2, 2]);
        var actual = Tensor.From(new[] { 1.0, 2.5, 3.0, 7.0 }, [2, 2]);
        var ex = Assert.Throws<NumericAssertionException>(() => TensorAssert.AllClose(expected, actual, 1e-5, 1e-8));
        Assert.Contains("2 of 4", ex.Message);
        Assert.Contains("index [1, 1]", ex.Message);
        Assert.Contains("expected 4", ex.Message);
        Assert.Contains("actual 7", ex.Message);
        TensorAssert.AllClose(expected, actual, 1, 0);
        Assert.Throws<NumericAssertionException>(() => TensorAssert.AllClose(expected, expected.Reshape(4)));
        TensorAssert.AllClose(Tensor.From(new[] { double.NaN, double.PositiveInfinity }),
            Tensor.From(new[] { double.NaN, double.PositiveInfinity }));
    }

    [Fact]
    public void EqualIsBitExact()
    {
        TensorAssert.Equal(Tensor.From(new[] { 1f, -0f, float.NaN }),
            Tensor.From(new[] { 1f, -0f, float.NaN, 5f }).Slice(0, 0, 3));
        var ex = Assert.Throws<NumericAssertionException>(() =>
            TensorAssert.Equal(Tensor.From(new[] { 1f, 0f }), Tensor.From(new[] { 1f, -0f })));
        Assert.Contains("index [1]", ex.Message);
        Assert.Throws<NumericAssertionException>(() =>
            TensorAssert.Equal(Tensor.From(new[] { 1f }), Tensor.From(new[] { 1.0 })));
    }
}

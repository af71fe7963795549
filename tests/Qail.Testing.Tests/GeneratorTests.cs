using Qail.Engine;

namespace Qail.Testing.Tests;

/// <summary>
/// The core generators cover every dtype, layout, empty and size-1 dims, limits and non-finite values, reproducibly.
/// </summary>
public class GeneratorTests
{
    private static readonly DType[] AllDTypes = [DType.Float32, DType.Float64, DType.Int32, DType.Int8, DType.UInt8,
        DType.Int4Packed];

    private static List<TensorCase> Sample(Generator<TensorCase> generator, int count = 300) =>
        Enumerable.Range(0, count).Select(i => generator.Generate(CaseRandom.CaseSeed(11, i))).ToList();

    [Fact]
    public void TensorsMatchTheirCaseInEveryDTypeAndLayout()
    {
        foreach (var dtype in AllDTypes)
            foreach (var c in Sample(Generators.Tensor(dtype, ValueRange.SmallIntegers), 60))
            {
                var t = c.ToTensor();
                Assert.Equal(dtype, t.DType);
                Assert.Equal(c.Shape, t.ShapeToArray());
                TensorAssert.Close(Tensor.From<double>(c.LogicalValues(), c.Shape), t, Tolerance.Close(0, 0),
                    c.ToString());
            }
    }

    [Fact]
    public void LayoutsAndShapesCoverTheEdgeCases()
    {
        var cases = Sample(Generators.Tensor(DType.Float32));
        Assert.Contains(cases, c => c.ElementCount == 0);
        Assert.Contains(cases, c => c.Shape.Length == 0);
        Assert.Contains(cases, c => c.Shape.Contains(1) && c.ElementCount > 1);
        Assert.Contains(cases, c => c.Layout == Layouts.Permuted && !c.ToTensor().IsContiguous);
        Assert.Contains(cases, c => c.Layout == Layouts.Sliced && !c.ToTensor().IsContiguous);
        Assert.Contains(cases, c => c.Layout == Layouts.Expanded && c.ToTensor().Strides.Contains(0));
        Assert.All(cases, c => Assert.InRange(c.ElementCount, 0, 256));
        Assert.All(Sample(Generators.Tensor(DType.Float32, layouts: Layouts.Contiguous), 50), c
            => Assert.True(c.ToTensor().IsContiguous));
    }

    [Fact]
    public void BroadcastPairsBroadcast()
    {
        var generator = Generators.BroadcastPair(DType.Float64);
        for (int i = 0; i < 200; i++)
        {
            var (a, b) = generator.Generate(CaseRandom.CaseSeed(5, i));
            var sum = a.ToTensor() + b.ToTensor();
            Assert.Equal(sum.Rank, Math.Max(a.Shape.Length, b.Shape.Length));
        }
    }

    [Fact]
    public void LimitsAndNonFiniteValuesComeOnlyWhenAsked()
    {
        var plain = Sample(Generators.Tensor(DType.Float32)).SelectMany(c => c.Values).ToList();
        Assert.All(plain, v => Assert.InRange(v, -3, 3));
        var wide = Sample(Generators.Tensor(DType.Float32, ValueRange.WithNonFinite)).SelectMany(c
            => c.Values).ToList();
        Assert.Contains(wide, double.IsNaN);
        Assert.Contains(wide, double.IsPositiveInfinity);
        Assert.Contains(wide, v => v == float.MaxValue);
        Assert.Contains(wide, v => v == float.Epsilon);
        var bytes = Sample(Generators.Tensor(DType.Int8, new ValueRange(-3, 3, ExtremeFraction: 0.2))).SelectMany(c
            => c.Values).ToList();
        Assert.Contains(bytes, v => v == -128);
        Assert.All(bytes, v => Assert.True(v == Math.Round(v) && v is >= -128 and <= 127));
    }

    [Fact]
    public void FloatValuesAreExactlyRepresentableAndBoundariesAppear()
    {
        var values = Sample(Generators.Tensor(DType.Float32, ValueRange.NearRoundingBoundaries)).SelectMany(c
            => c.Values).ToList();
        Assert.All(values, v => Assert.Equal((double)(float)v, v));
        Assert.Contains(values, v => v - Math.Floor(v) == 0.5);
    }

    [Fact]
    public void TheSameSeedGivesTheSameCase()
    {
        var generator = Generators.Tensor(DType.Float64);
        Assert.Equal(generator.Generate(42).ToString(), generator.Generate(42).ToString());
        Assert.NotEqual(generator.Generate(42).ToString(), generator.Generate(43).ToString());
    }

    [Fact]
    public void BadRangesAreRefusedWithTheirField()
    {
        var ex = Assert.Throws<ArgumentException>(() => Generators.Tensor(DType.Float32, new ValueRange(1, -1)));
        Assert.Contains("Min 1", ex.Message);
        Assert.Contains("SpecialFraction", Assert.Throws<ArgumentException>(() => Generators.Tensor(DType.Float32,
            new ValueRange(SpecialFraction: 2))).Message);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class ReductionTests
{
    private static Gen<(Tensor T, int[]? Axes, bool KeepDim)> Case(DType[] dtypes, ValueRange range) =>
        from dtype in Gen.Elements(dtypes)
        from t in TensorGen.Tensor(dtype, range)
        from all in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from picks in Gen.ArrayOf(Gen.Elements(true, false), t.Rank)
        from negative in Gen.Elements(true, false)
        from keepDim in Gen.Elements(true, false)
        select (t,
            all ? null
                : Enumerable.Range(0, t.Rank).Where(d => picks[d]).Select(d => negative ? d - t.Rank : d).ToArray(),
            keepDim);

    private static Property Reduction(DType[] dtypes, ValueRange range, Func<Tensor, int[]?, bool, Tensor> op,
        Func<List<double>, double> aggregate,
        bool throwsWhenEmpty, double rtol, double atol)
    {
        return Prop.ForAll(Case(dtypes, range).ToArbitrary(), c =>
        {
            var shape = c.T.ShapeToArray();
            var reduced = new bool[shape.Length];
            if (c.Axes is null) Array.Fill(reduced, true);
            else foreach (int a in c.Axes) reduced[a < 0 ? a + shape.Length : a] = true;
            var expected = Ref.Reduce(Ref.Read(c.T), shape, reduced, aggregate, out var kept);
            bool emptyGroups = expected.Length > 0 && shape.Where((s, d) => reduced[d] && s == 0).Any();
            if (throwsWhenEmpty && emptyGroups)
            {
                var ex = Assert.ThrowsAny<ArgumentException>(() => op(c.T, c.Axes, c.KeepDim));
                Assert.Contains("empty", ex.Message);
                return;
            }
            var outShape = c.KeepDim ? kept : shape.Where((_, d) => !reduced[d]).ToArray();
            TensorAssert.AllClose(Ref.InDType(expected, c.T.DType), outShape, op(c.T, c.Axes, c.KeepDim), rtol, atol);
        });
    }

    private static readonly DType[] Floats = [DType.Float32, DType.Float64];
    private static readonly DType[] Numeric = [DType.Float32, DType.Float64, DType.Int32];

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Sum() =>
        Reduction(Numeric, ValueRange.Default, (t, a, k) => t.Sum(a, k), g => g.Sum(), false, 1e-5, 1e-4);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Mean() => Reduction(Floats, ValueRange.Default, (t, a, k) => t.Mean(a, k),
        g => g.Count == 0 ? double.NaN : g.Average(), false, 1e-5, 1e-4);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Max() => Reduction(Numeric, ValueRange.Default, (t, a, k) => t.Max(a, k),
        g => g.Count == 0 ? double.NaN : g.Max(), true, 0, 0);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Min() => Reduction(Numeric, ValueRange.Default, (t, a, k) => t.Min(a, k),
        g => g.Count == 0 ? double.NaN : g.Min(), true, 0, 0);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Variance() => Reduction(Floats, ValueRange.Default, (t, a, k) => t.Variance(a, k, unbiased: true),
        UnbiasedVariance, false, 1e-5, 1e-5);

    private static double UnbiasedVariance(List<double> g)
    {
        if (g.Count == 0) return double.NaN;
        double mean = g.Average();
        return g.Sum(v => (v - mean) * (v - mean)) / (g.Count - 1);
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property ArgMaxIsFirstMaximum()
    {
        var gen = from dtype in Gen.Elements(Numeric)
                  from t in TensorGen.Tensor(dtype, ValueRange.SmallIntegers).Where(t => t.Rank > 0)
                  from axis in Gen.Choose(0, t.Rank - 1)
                  from keepDim in Gen.Elements(true, false)
                  select (t, axis, keepDim);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.t.ShapeToArray();
            var x = Ref.Read(c.t);
            var outShape = shape.Where((_, d) => d != c.axis).ToArray();
            if (shape[c.axis] == 0 && Ref.Count(outShape) > 0)
            {
                Assert.Contains("empty", Assert.ThrowsAny<ArgumentException>(() => c.t.ArgMax(c.axis)).Message);
                return;
            }
            var expected = new double[Ref.Count(outShape)];
            for (int o = 0; o < expected.Length; o++)
            {
                var oi = Ref.Unravel(o, outShape).ToList();
                double best = double.NegativeInfinity;
                for (int j = 0; j < shape[c.axis]; j++)
                {
                    var idx = oi.ToList();
                    idx.Insert(c.axis, j);
                    double v = x[Ref.Ravel([.. idx], shape)];
                    if (v > best) { best = v; expected[o] = j; }
                }
            }
            var actual = c.t.ArgMax(c.axis, c.keepDim);
            Assert.Equal(DType.Int32, actual.DType);
            var expectedShape = c.keepDim ? shape.Select((s, d) => d == c.axis ? 1 : s).ToArray() : outShape;
            TensorAssert.AllClose(expected, expectedShape, actual, 0, 0);
        });
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property SumToShapeReducesBroadcastDims()
    {
        var gen = from dtype in Gen.Elements(Numeric)
                  from full in TensorGen.Shape()
                  from target in TensorGen.BroadcastSource(full)
                  from t in TensorGen.Tensor(full, dtype, ValueRange.SmallIntegers)
                  select (t, target);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var full = c.t.ShapeToArray();
            var x = Ref.Read(c.t);
            var expected = new double[Ref.Count(c.target)];
            for (int i = 0; i < x.Length; i++) expected[Ref.SourceIndex(Ref.Unravel(i, full), c.target)] += x[i];
            TensorAssert.AllClose(expected, c.target, c.t.SumToShape(c.target), 1e-5, 1e-5);
        });
    }

    [Fact]
    public void SumToShapeRejectsIncompatibleShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros([2, 3]).SumToShape([2]));
        Assert.Contains("[2]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
    }

    [Fact]
    public void ReductionOverloadsAgree()
    {
        var t = Tensor.Arange(0, 24).Reshape(2, 3, 4);
        TensorAssert.Equal(t.Sum([1]), t.Sum(1));
        TensorAssert.Equal(t.Max([-1], true), t.Max(-1, true));
        Assert.Equal(276, t.Sum().Item());
        Assert.Equal(11.5, t.Mean().Item());
        Assert.Equal([2, 1, 4], t.Min(1, keepDim: true).ShapeToArray());
        TensorAssert.AllClose([143.0 / 12, 143.0 / 12], [2], t.Variance([1, 2]), 1e-6, 0);
        Assert.Throws<ArgumentException>(() => t.Sum([1, -2]));
    }
}

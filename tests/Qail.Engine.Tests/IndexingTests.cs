using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class IndexingTests
{
    private static Gen<Tensor> Indices(int[] shape, int size) =>
        TensorGen.Tensor(shape, DType.Int32, new ValueRange(0, Math.Max(size - 1, 0)));

    private static Gen<(Tensor T, int Axis, Tensor Index)> SelectCase(DType[] dtypes) =>
        from dtype in Gen.Elements(dtypes)
        from shape in TensorGen.Shape(1, 4, 4, 128)
        from axis in Gen.Choose(0, shape.Length - 1)
        from t in TensorGen.Tensor(shape.Select((d, i) => i == axis ? Math.Max(d, 1) : d).ToArray(), dtype,
            ValueRange.SmallIntegers)
        from count in Gen.Choose(0, 5)
        from index in Indices([count], t.Size(axis))
        select (t, axis, index);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property IndexSelect() =>
        Prop.ForAll(SelectCase([DType.Float32, DType.Int32, DType.Int8]).ToArbitrary(), c =>
    {
        var shape = c.T.ShapeToArray();
        var idx = Ref.Read(c.Index).Select(v => (int)v).ToArray();
        var outShape = shape.Select((d, i) => i == c.Axis ? idx.Length : d).ToArray();
        var x = Ref.Read(c.T);
        var expected = new double[Ref.Count(outShape)];
        for (int o = 0; o < expected.Length; o++)
        {
            var pos = Ref.Unravel(o, outShape);
            pos[c.Axis] = idx[pos[c.Axis]];
            expected[o] = x[Ref.Ravel(pos, shape)];
        }
        var actual = c.T.IndexSelect(c.Axis, c.Index);
        Assert.Equal(c.T.DType, actual.DType);
        TensorAssert.AllClose(expected, outShape, actual, 0, 0);
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property IndexAddAccumulatesRepeats()
    {
        var gen = from c in SelectCase([DType.Float64, DType.Int32])
                  from source in TensorGen.Tensor(
                      c.T.ShapeToArray().Select((d, i) => i == c.Axis ? c.Index.Size(0) : d).ToArray(), c.T.DType,
                      ValueRange.SmallIntegers)
                  select (c.T, c.Axis, c.Index, source);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.T.ShapeToArray();
            var idx = Ref.Read(c.Index).Select(v => (int)v).ToArray();
            var expected = Ref.Read(c.T);
            var src = Ref.Read(c.source);
            var srcShape = c.source.ShapeToArray();
            for (int s = 0; s < src.Length; s++)
            {
                var pos = Ref.Unravel(s, srcShape);
                pos[c.Axis] = idx[pos[c.Axis]];
                expected[Ref.Ravel(pos, shape)] += src[s];
            }
            TensorAssert.AllClose(expected, shape, c.T.IndexAdd(c.Axis, c.Index, c.source), 1e-12, 0);
        });
    }

    private static Gen<(Tensor T, int Axis, Tensor Index)> GatherCase() =>
        from shape in TensorGen.Shape(1, 3, 4, 64, allowZero: false)
        from axis in Gen.Choose(0, shape.Length - 1)
        from t in TensorGen.Tensor(shape, DType.Float64, ValueRange.SmallIntegers)
        from indexShape in Gen.CollectToArray(shape.Select((d, i) => i == axis ? Gen.Choose(0, 4) : Gen.Choose(0, d)))
        from index in Indices(indexShape, shape[axis])
        select (t, axis, index);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Gather() => Prop.ForAll(GatherCase().ToArbitrary(), c =>
    {
        var shape = c.T.ShapeToArray();
        var indexShape = c.Index.ShapeToArray();
        var idx = Ref.Read(c.Index);
        var x = Ref.Read(c.T);
        var expected = new double[idx.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            var pos = Ref.Unravel(i, indexShape);
            pos[c.Axis] = (int)idx[i];
            expected[i] = x[Ref.Ravel(pos, shape)];
        }
        TensorAssert.AllClose(expected, indexShape, c.T.Gather(c.Axis, c.Index), 0, 0);
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property ScatterAddIsTheAdjointOfGather()
    {
        var gen = from c in GatherCase()
                  from source in TensorGen.Tensor(c.Index.ShapeToArray(), DType.Float64)
                  select (c.T, c.Axis, c.Index, source);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.T.ShapeToArray();
            var indexShape = c.Index.ShapeToArray();
            var idx = Ref.Read(c.Index);
            var src = Ref.Read(c.source);
            var expected = Ref.Read(c.T);
            for (int i = 0; i < idx.Length; i++)
            {
                var pos = Ref.Unravel(i, indexShape);
                pos[c.Axis] = (int)idx[i];
                expected[Ref.Ravel(pos, shape)] += src[i];
            }
            TensorAssert.AllClose(expected, shape, c.T.ScatterAdd(c.Axis, c.Index, c.source), 1e-12, 1e-12);
        });
    }

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property EmbeddingAndOneHot()
    {
        var gen = from vocab in Gen.Choose(1, 6)
                  from dim in Gen.Choose(1, 4)
                  from weight in TensorGen.Tensor([vocab, dim], DType.Float32)
                  from shape in TensorGen.Shape(0, 3, 4, 32)
                  from indices in Indices(shape, vocab)
                  select (weight, indices, vocab, dim);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var w = Ref.Read(c.weight);
            var idx = Ref.Read(c.indices).Select(v => (int)v).ToArray();
            int[] outShape = [.. c.indices.ShapeToArray(), c.dim];
            var expected = idx.SelectMany(i => w.Skip(i * c.dim).Take(c.dim)).ToArray();
            TensorAssert.AllClose(expected, outShape, Tensor.Embedding(c.weight, c.indices), 0, 0);
            var oneHot = idx.SelectMany(i => Enumerable.Range(0, c.vocab).Select(k => k == i ? 1.0 : 0.0)).ToArray();
            var actual = Tensor.OneHot(c.indices, c.vocab, DType.Float64);
            Assert.Equal(DType.Float64, actual.DType);
            TensorAssert.AllClose(oneHot, [.. c.indices.ShapeToArray(), c.vocab], actual, 0, 0);
        });
    }

    [Fact]
    public void OutOfRangeIndicesNameValueAxisAndSize()
    {
        var t = Tensor.Zeros([3, 4]);
        var ex = Assert.ThrowsAny<ArgumentException>(() => t.IndexSelect(1, Tensor.From(new[] { 0, 4 })));
        Assert.Contains("index 4", ex.Message);
        Assert.Contains("axis 1", ex.Message);
        Assert.Contains("size 4", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => t.Gather(0, Tensor.From(new[] { -1 }, [1, 1])));
        Assert.Contains("index -1", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => Tensor.Embedding(t, Tensor.From(new[] { 3 })));
        Assert.Contains("index 3", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => Tensor.OneHot(Tensor.From(new[] { 5 }), 5));
        Assert.Contains("index 5", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => t.IndexSelect(0, Tensor.From(new[] { 0f })));
        Assert.Contains("int32", ex.Message);
        ex = Assert.ThrowsAny<ArgumentException>(() => t.IndexAdd(0, Tensor.From(new[] { 0 }), Tensor.Zeros([2, 4])));
        Assert.Contains("[2, 4]", ex.Message);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class ConcatSplitTests
{
    private static Gen<(Tensor[] Parts, int Axis)> Pieces(bool sameSize) =>
        from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int32, DType.UInt8)
        from shape in TensorGen.Shape(1, 4, 4, 128)
        from axis in Gen.Choose(0, shape.Length - 1)
        from sizes in Gen.ArrayOf(TensorGen.Dim(4), 3).Select(s => sameSize ? s.Select(_ => shape[axis]).ToArray() : s)
        from count in Gen.Choose(1, 3)
        from parts in Gen.CollectToArray(sizes.Take(count),
            s => TensorGen.Tensor(shape.Select((d, i) => i == axis ? s : d).ToArray(), dtype, ValueRange.SmallIntegers))
        select (parts, axis);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property ConcatPlacesEachPartAtItsOffset() => Prop.ForAll(Pieces(sameSize: false).ToArbitrary(), c =>
    {
        var shape = c.Parts[0].ShapeToArray();
        shape[c.Axis] = c.Parts.Sum(p => p.Size(c.Axis));
        var expected = new double[Ref.Count(shape)];
        int start = 0;
        foreach (var part in c.Parts)
        {
            var ps = part.ShapeToArray();
            var values = Ref.Read(part);
            for (int i = 0; i < values.Length; i++)
            {
                var idx = Ref.Unravel(i, ps);
                idx[c.Axis] += start;
                expected[Ref.Ravel(idx, shape)] = values[i];
            }
            start += ps[c.Axis];
        }
        TensorAssert.AllClose(expected, shape, Tensor.Concat(c.Parts, c.Axis), 0, 0);
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property StackEqualsConcatOfUnsqueezed() => Prop.ForAll(Pieces(sameSize: true).ToArbitrary(), c =>
    {
        var stacked = Tensor.Stack(c.Parts, c.Axis);
        var shape = c.Parts[0].ShapeToArray().ToList();
        shape.Insert(c.Axis, c.Parts.Length);
        Assert.Equal(shape, stacked.ShapeToArray());
        for (int i = 0; i < c.Parts.Length; i++)
            TensorAssert.Equal(c.Parts[i].Contiguous(), stacked.Select(c.Axis, i).Contiguous());
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property SplitThenConcatIsIdentity() => Prop.ForAll(Pieces(sameSize: false).ToArbitrary(), c =>
    {
        var whole = Tensor.Concat(c.Parts, c.Axis);
        var parts = whole.Split(c.Parts.Select(p => p.Size(c.Axis)).ToArray(), c.Axis);
        Assert.Equal(c.Parts.Length, parts.Length);
        for (int i = 0; i < parts.Length; i++)
        {
            Assert.Same(whole.Storage, parts[i].Storage);
            TensorAssert.Equal(c.Parts[i].Contiguous(), parts[i].Contiguous());
        }
    });

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property ChunkCoversTheAxis()
    {
        var gen = from t in TensorGen.Tensor(DType.Float32, layouts: Layouts.Any).Where(t => t.Rank > 0)
                  from axis in Gen.Choose(0, t.Rank - 1)
                  from chunks in Gen.Choose(1, 5)
                  select (t, axis, chunks);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var parts = c.t.Chunk(c.chunks, c.axis);
            int size = c.t.Size(c.axis);
            int step = (size + c.chunks - 1) / c.chunks;
            Assert.True(parts.Length <= c.chunks);
            Assert.Equal(size, parts.Sum(p => p.Size(c.axis)));
            Assert.All(parts.SkipLast(1), p => Assert.Equal(step, p.Size(c.axis)));
            TensorAssert.Equal(c.t.Contiguous(), Tensor.Concat(parts, c.axis));
        });
    }

    [Fact]
    public void RejectsMismatchedParts()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Concat([Tensor.Zeros([2, 3]), Tensor.Zeros([3, 3])], 1));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[3, 3]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Tensor.Concat([Tensor.Zeros([2]), Tensor.Zeros([2], DType.Int32)], 0));
        Assert.Contains("int32", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros([5]).Split([2, 2], 0));
        Assert.Contains("sum to 5", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Stack([Tensor.Zeros([2])], 3));
    }
}

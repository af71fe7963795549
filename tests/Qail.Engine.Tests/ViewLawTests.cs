using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class ViewLawTests
{
    private static readonly Gen<Tensor> AnyTensor =
        from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int32, DType.Int8, DType.UInt8)
        from t in TensorGen.Tensor(dtype, ValueRange.SmallIntegers with { Min = 0 })
        select t;

    [Property(MaxTest = 80, Replay = Ref.Seed)]
    public Property ContiguousAndCloneKeepTheViewsValues() => Prop.ForAll(AnyTensor.ToArbitrary(), t =>
    {
        var expected = Ref.Read(t);
        var contiguous = t.Contiguous();
        Assert.True(contiguous.IsContiguous);
        if (t.IsContiguous) Assert.Same(t, contiguous);
        TensorAssert.AllClose(expected, t.ShapeToArray(), contiguous, 0, 0);
        TensorAssert.AllClose(expected, t.ShapeToArray(), t.Clone(), 0, 0);
        Assert.Equal(expected, t.ToDoubleArray());
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property PermuteThenInverseIsIdentity()
    {
        var gen = from t in AnyTensor
                  from order in Gen.Shuffle(Enumerable.Range(0, t.Rank).ToArray())
                  select (t, order);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var inverse = new int[c.order.Length];
            for (int i = 0; i < c.order.Length; i++) inverse[c.order[i]] = i;
            var permuted = c.t.Permute(c.order);
            var shape = c.t.ShapeToArray();
            var x = Ref.Read(c.t);
            var p = Ref.Read(permuted);
            for (int i = 0; i < p.Length; i++)
            {
                var idx = Ref.Unravel(i, permuted.ShapeToArray());
                var src = new int[idx.Length];
                for (int d = 0; d < idx.Length; d++) src[c.order[d]] = idx[d];
                Assert.Equal(x[Ref.Ravel(src, shape)], p[i]);
            }
            TensorAssert.Equal(c.t.Contiguous(), permuted.Permute(inverse).Contiguous());
            if (c.t.Rank >= 2) TensorAssert.Equal(c.t.Contiguous(), c.t.T.T.Contiguous());
        });
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property ReshapeRoundTripsAndKeepsRowMajorOrder()
    {
        var gen = from t in AnyTensor
                  from target in TensorGen.Shape(0, 4, (int)Math.Max(1, t.ElementCount), 256)
                      .Where(s => Ref.Count(s) == t.ElementCount)
                  select (t, target);
        var fallback = from t in AnyTensor select (t, target: new[] { (int)t.ElementCount });
        return Prop.ForAll(Gen.OneOf(gen, fallback).ToArbitrary(), c =>
        {
            var reshaped = c.t.Reshape(c.target);
            Assert.Equal(c.target, reshaped.ShapeToArray());
            Assert.Equal(Ref.Read(c.t), Ref.Read(reshaped));
            TensorAssert.Equal(c.t.Contiguous(), reshaped.Reshape(c.t.ShapeToArray()).Contiguous());
            if (c.t.IsContiguous) Assert.Same(c.t.Storage, reshaped.Storage);
        });
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property SliceSelectsEveryStepth()
    {
        var gen = from t in AnyTensor.Where(t => t.Rank > 0)
                  from dim in Gen.Choose(0, t.Rank - 1)
                  from start in Gen.Choose(0, t.Size(dim))
                  from end in Gen.Choose(start, t.Size(dim))
                  from step in Gen.Choose(1, 3)
                  select (t, dim, start, end, step);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var sliced = c.t.Slice(c.dim, c.start, c.end, c.step);
            Assert.Same(c.t.Storage, sliced.Storage);
            var shape = c.t.ShapeToArray();
            var outShape = sliced.ShapeToArray();
            Assert.Equal((c.end - c.start + c.step - 1) / c.step, outShape[c.dim]);
            var x = Ref.Read(c.t);
            var s = Ref.Read(sliced);
            for (int i = 0; i < s.Length; i++)
            {
                var idx = Ref.Unravel(i, outShape);
                idx[c.dim] = c.start + idx[c.dim] * c.step;
                Assert.Equal(x[Ref.Ravel(idx, shape)], s[i]);
            }
        });
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property ExpandSqueezeUnsqueeze()
    {
        var gen = from full in TensorGen.Shape()
                  from source in TensorGen.BroadcastSource(full)
                  from t in TensorGen.Tensor(source, DType.Float32)
                  select (t, full);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var expanded = c.t.Expand(c.full);
            var x = Ref.Read(c.t);
            var e = Ref.Read(expanded);
            for (int i = 0; i < e.Length; i++)
                Assert.Equal(x[Ref.SourceIndex(Ref.Unravel(i, c.full), c.t.ShapeToArray())], e[i]);
            var unsqueezed = c.t.Unsqueeze(0);
            Assert.Equal([1, .. c.t.ShapeToArray()], unsqueezed.ShapeToArray());
            TensorAssert.Equal(c.t.Contiguous(), unsqueezed.Squeeze(0).Contiguous());
            Assert.DoesNotContain(1, c.t.Squeeze().ShapeToArray());
            Assert.Equal(x, Ref.Read(c.t.Squeeze()));
        });
    }
}

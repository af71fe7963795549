using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class InPlaceTests
{
    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property InPlaceHelpersUpdateTheViewOnly()
    {
        var gen = from dtype in Gen.Elements(DType.Float32, DType.Float64)
                  from shape in TensorGen.Shape()
                  from target in TensorGen.Tensor(shape, dtype,
                      layouts: Layouts.Contiguous | Layouts.Permuted | Layouts.Sliced)
                  from other in TensorGen.Tensor(shape, dtype)
                  from alpha in Gen.Choose(-8, 8).Select(v => v / 4.0)
                  select (target, other, alpha);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.target.ShapeToArray();
            var x = Ref.Read(c.target);
            var y = Ref.Read(c.other);
            double tol = Ref.StdTol(c.target.DType);
            Assert.Same(c.target, c.target.AddInPlace(c.other, c.alpha));
            var expected = x.Select((v, i) => v + c.alpha * y[i]).ToArray();
            TensorAssert.AllClose(Ref.InDType(expected, c.target.DType), shape, c.target, tol, tol);
            c.target.ScaleInPlace(c.alpha);
            TensorAssert.AllClose(Ref.InDType(expected.Select(v => v * c.alpha).ToArray(), c.target.DType), shape,
                c.target, tol, tol);
            c.target.FillInPlace(c.alpha);
            Assert.All(Ref.Read(c.target), v => Assert.Equal(c.alpha, v));
            c.target.ZeroInPlace();
            Assert.All(Ref.Read(c.target), v => Assert.Equal(0, v));
        });
    }

    [Fact]
    public void LikeConstructorsCopyShapeAndDType()
    {
        var t = Tensor.Zeros([2, 3], DType.Int32).T;
        Assert.Equal([3, 2], Tensor.ZerosLike(t).ShapeToArray());
        Assert.Equal(DType.Int32, Tensor.OnesLike(t).DType);
        Assert.All(Tensor.FullLike(t, 7).ToArray<int>(), v => Assert.Equal(7, v));
        var storage = Tensor.Arange(0, 6).Reshape(2, 3);
        storage.Slice(1, 0, 3, 2).FillInPlace(-1);
        Assert.Equal(new[] { -1.0, 1, -1, -1, 4, -1 }, storage.ToDoubleArray());
    }
}

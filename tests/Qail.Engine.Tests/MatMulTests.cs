using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class MatMulTests
{
    // NumPy matmul reference: promote 1-D operands, broadcast batch dims, triple loop in double.
    internal static double[] Reference(double[] a, int[] sa, double[] b, int[] sb, out int[] shape)
    {
        int[] pa = sa.Length == 1 ? [1, sa[0]] : sa, pb = sb.Length == 1 ? [sb[0], 1] : sb;
        int m = pa[^2], k = pa[^1], n = pb[^1];
        int[] ba = pa[..^2], bb = pb[..^2];
        var batch = Ref.BroadcastShape(ba, bb);
        var full = batch.Concat(new[] { m, n }).ToArray();
        var result = new double[Ref.Count(full)];
        for (int flat = 0; flat < result.Length; flat++)
        {
            var idx = Ref.Unravel(flat, full);
            var bi = idx[..^2];
            int i = idx[^2], j = idx[^1];
            int offA = Ref.SourceIndex(bi, ba) * m * k, offB = Ref.SourceIndex(bi, bb) * k * n;
            double s = 0;
            for (int p = 0; p < k; p++) s += a[offA + i * k + p] * b[offB + p * n + j];
            result[flat] = s;
        }
        var outShape = full.ToList();
        if (sb.Length == 1) outShape.RemoveAt(outShape.Count - 1);
        if (sa.Length == 1) outShape.RemoveAt(outShape.Count - (sb.Length == 1 ? 1 : 2));
        shape = [.. outShape];
        return result;
    }

    [Property(MaxTest = 100, Replay = Ref.Seed)]
    public Property MatchesReference()
    {
        var gen = from dtype in Gen.Elements(DType.Float32, DType.Float64)
                  from shapes in TensorGen.MatMulShapes()
                  from a in TensorGen.Tensor(shapes.A, dtype)
                  from b in TensorGen.Tensor(shapes.B, dtype)
                  select (a, b);
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var expected = Reference(Ref.Read(p.a), p.a.ShapeToArray(), Ref.Read(p.b), p.b.ShapeToArray(),
                out var shape);
            var actual = Tensor.MatMul(p.a, p.b);
            Assert.Equal(p.a.DType, actual.DType);
            TensorAssert.AllClose(expected, shape, actual, 1e-4, 1e-4);
        });
    }

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property IsAssociative()
    {
        var gen = from m in Gen.Choose(1, 6)
                  from k in Gen.Choose(1, 6)
                  from l in Gen.Choose(1, 6)
                  from n in Gen.Choose(1, 6)
                  from a in TensorGen.Tensor([m, k], DType.Float64)
                  from b in TensorGen.Tensor([k, l], DType.Float64)
                  from c in TensorGen.Tensor([l, n], DType.Float64)
                  select (a, b, c);
        return Prop.ForAll(gen.ToArbitrary(), p =>
            TensorAssert.AllClose(Tensor.MatMul(Tensor.MatMul(p.a, p.b), p.c),
                Tensor.MatMul(p.a, Tensor.MatMul(p.b, p.c)), 1e-10, 1e-10));
    }

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property TransposeOfProductIsProductOfTransposes()
    {
        var gen = from m in Gen.Choose(1, 7)
                  from k in Gen.Choose(1, 7)
                  from n in Gen.Choose(1, 7)
                  from a in TensorGen.Tensor([m, k], DType.Float32)
                  from b in TensorGen.Tensor([k, n], DType.Float32)
                  select (a, b);
        return Prop.ForAll(gen.ToArbitrary(), p =>
            TensorAssert.AllClose(Tensor.MatMul(p.a, p.b).T, Tensor.MatMul(p.b.T, p.a.T), 1e-5, 1e-5));
    }

    [Fact]
    public void LargeProductUsesKernelAndMatchesReference()
    {
        var a = Tensor.RandomNormal([67, 129], seed: 1);
        var b = Tensor.RandomNormal([129, 45], seed: 2);
        var expected = Reference(a.ToDoubleArray(), [67, 129], b.ToDoubleArray(), [129, 45], out var shape);
        TensorAssert.AllClose(expected, shape, Tensor.MatMul(a, b), 1e-4, 1e-4);
        TensorAssert.AllClose(expected, shape, Tensor.MatMul(a.T.Contiguous().T, b.T.Contiguous().T), 1e-4, 1e-4);
    }

    [Fact]
    public void RejectsBadShapesAndDTypes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros([2, 3]), Tensor.Zeros([4, 5])));
        Assert.Contains("MatMul", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Contains("[4, 5]", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros([2, 2, 3]), Tensor.Zeros([3, 3, 4])));
        Assert.Contains("batch", ex.Message);
        ex = Assert.Throws<ArgumentException>(() =>
            Tensor.MatMul(Tensor.Zeros([2, 3]), Tensor.Zeros([3, 4], DType.Float64)));
        Assert.Contains("float32", ex.Message);
        Assert.Contains("float64", ex.Message);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class SoftmaxLayerNormTests
{
    // Applies f to every line along axis (all other indices fixed).
    private static double[] AlongAxis(double[] x, int[] shape, int axis, Func<double[], double[]> f)
    {
        var result = new double[x.Length];
        var outer = shape.Select((d, i) => i == axis ? 1 : d).ToArray();
        for (int o = 0; o < Ref.Count(outer); o++)
        {
            var pos = Ref.Unravel(o, outer);
            var flat = Enumerable.Range(0, shape[axis]).Select(j =>
            {
                var p = (int[])pos.Clone();
                p[axis] = j;
                return Ref.Ravel(p, shape);
            }).ToArray();
            var line = f(flat.Select(i => x[i]).ToArray());
            for (int j = 0; j < flat.Length; j++) result[flat[j]] = line[j];
        }
        return result;
    }

    private static double[] Softmax(double[] line)
    {
        var e = line.Select(v => Math.Exp(v)).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property SoftmaxAndLogSoftmax()
    {
        var gen = from dtype in Gen.Elements(DType.Float32, DType.Float64)
                  from t in TensorGen.Tensor(dtype, new ValueRange(-10, 10)).Where(t => t.Rank > 0)
                  from axis in Gen.Choose(-t.Rank, t.Rank - 1)
                  select (t, axis);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.t.ShapeToArray();
            int axis = c.axis < 0 ? c.axis + shape.Length : c.axis;
            var x = Ref.Read(c.t);
            TensorAssert.AllClose(AlongAxis(x, shape, axis, Softmax), shape, c.t.Softmax(c.axis), 1e-5, 1e-6);
            TensorAssert.AllClose(AlongAxis(x, shape, axis, l => Softmax(l).Select(v => Math.Log(v)).ToArray()), shape,
                c.t.LogSoftmax(c.axis), 1e-5, 1e-5);
        });
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogits()
    {
        var t = Tensor.From(new[] { 1000f, 1001f, -1000f });
        TensorAssert.AllClose([0.2689414213699951, 0.7310585786300049, 0], [3], t.Softmax(0), 1e-6, 1e-7);
        TensorAssert.AllClose([-1.3132616875182228, -0.3132616875182228, -2001.3132616875182], [3], t.LogSoftmax(0),
            1e-6, 1e-4);
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property LayerNormMatchesReference()
    {
        var gen = from dtype in Gen.Elements(DType.Float32, DType.Float64)
                  from shape in TensorGen.Shape(1, 4, 5, 128, allowZero: false)
                  from dims in Gen.Choose(1, shape.Length)
                  from t in TensorGen.Tensor(shape, dtype)
                  from affine in Gen.Elements(true, false)
                  from w in TensorGen.Tensor(shape[^dims..], dtype)
                  from b in TensorGen.Tensor(shape[^dims..], dtype)
                  select (t, dims, affine ? w : null, affine ? b : null);
        return Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var shape = c.t.ShapeToArray();
            int inner = Ref.Count(shape[^c.dims..]);
            var x = Ref.Read(c.t);
            var w = c.Item3 is null ? null : Ref.Read(c.Item3);
            var b = c.Item4 is null ? null : Ref.Read(c.Item4);
            var expected = new double[x.Length];
            for (int r = 0; r < x.Length / inner; r++)
            {
                var row = x.Skip(r * inner).Take(inner).ToArray();
                double mean = row.Average(), var = row.Sum(v => (v - mean) * (v - mean)) / inner;
                for (int j = 0; j < inner; j++)
                    expected[r * inner + j] = (row[j] - mean) / Math.Sqrt(var + 1e-5) * (w?[j] ?? 1) + (b?[j] ?? 0);
            }
            TensorAssert.AllClose(expected, shape, Tensor.LayerNorm(c.t, c.dims, c.Item3, c.Item4), 1e-4, 1e-4);
        });
    }

    [Fact]
    public void LayerNormRejectsWrongAffineShape()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Tensor.LayerNorm(Tensor.Zeros([2, 3]), 1, Tensor.Ones([2]), null));
        Assert.Contains("[2]", ex.Message);
        Assert.Contains("[3]", ex.Message);
        var stats = Tensor.LayerNormWithStats(Tensor.Arange(0, 6).Reshape(2, 3), 1, null, null);
        TensorAssert.AllClose([1, 4], [2, 1], stats.Mean, 1e-6, 0);
        TensorAssert.AllClose([1 / Math.Sqrt(2.0 / 3 + 1e-5), 1 / Math.Sqrt(2.0 / 3 + 1e-5)], [2, 1], stats.InvStd,
            1e-6, 0);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Testing;

namespace Qail.Engine.Tests;

public class ElementwiseTests
{
    private static readonly DType[] Floats = [DType.Float32, DType.Float64];
    private static readonly DType[] Numeric = [DType.Float32, DType.Float64, DType.Int32];

    private static Property Unary(DType[] dtypes, ValueRange range, Func<Tensor, Tensor> op,
        Func<double, double> reference, double rtol = 1e-5, double atol = 1e-6)
    {
        var gen = from dtype in Gen.Elements(dtypes)
                  from t in TensorGen.Tensor(dtype, range)
                  select t;
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var expected = Ref.InDType(Ref.Read(t).Select(reference).ToArray(), t.DType);
            var actual = op(t);
            Assert.Equal(t.DType, actual.DType);
            TensorAssert.AllClose(expected, t.ShapeToArray(), actual, rtol, atol);
        });
    }

    private static Property Binary(DType[] dtypes, ValueRange ra, ValueRange rb, Func<Tensor, Tensor, Tensor> op,
        Func<double, double, double> reference,
        double rtol = 1e-5, double atol = 1e-6)
    {
        var gen = from dtype in Gen.Elements(dtypes)
                  from shapes in TensorGen.BroadcastShapes()
                  from a in TensorGen.Tensor(shapes.A, dtype, ra)
                  from b in TensorGen.Tensor(shapes.B, dtype, rb)
                  select (a, b);
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var expected = Ref.Zip(Ref.Read(p.a), p.a.ShapeToArray(), Ref.Read(p.b), p.b.ShapeToArray(), reference,
                out var shape);
            var actual = op(p.a, p.b);
            Assert.Equal(p.a.DType, actual.DType);
            TensorAssert.AllClose(Ref.InDType(expected, p.a.DType), shape, actual, rtol, atol);
        });
    }

    private static double GeluReference(double x) =>
        0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Neg() =>
        Unary(Numeric, ValueRange.SmallIntegers, t => -t, x => -x);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Exp() =>
        Unary(Floats, ValueRange.Default, t => t.Exp(), Math.Exp);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Log() =>
        Unary(Floats, ValueRange.Positive, t => t.Log(), Math.Log);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Sqrt() =>
        Unary(Floats, ValueRange.Positive, t => t.Sqrt(), Math.Sqrt);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Abs() =>
        Unary(Numeric, ValueRange.Default, t => t.Abs(), Math.Abs);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Relu() =>
        Unary(Floats, ValueRange.Default, t => t.Relu(), x => Math.Max(x, 0));
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Gelu() =>
        Unary(Floats, ValueRange.Default, t => t.Gelu(), GeluReference);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Sigmoid() =>
        Unary(Floats, new ValueRange(-8, 8), t => t.Sigmoid(), x => 1 / (1 + Math.Exp(-x)));
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Tanh() =>
        Unary(Floats, ValueRange.Default, t => t.Tanh(), Math.Tanh);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Clamp() =>
        Unary(Floats, ValueRange.Default, t => t.Clamp(-1, 0.5), x => Math.Min(Math.Max(x, -1), 0.5), 0, 0);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property RoundHalfToEven() => Unary(Floats,
        ValueRange.NearRoundingBoundaries, t => t.Round(), x => Math.Round(x, MidpointRounding.ToEven), 0, 0);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Sign() =>
        Unary(Numeric, ValueRange.SmallIntegers, t => t.Sign(), x => Math.Sign(x), 0, 0);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Square() =>
        Unary(Floats, ValueRange.Default, t => t.Square(), x => x * x);
    [Property(MaxTest = 40, Replay = Ref.Seed)] public Property Reciprocal() =>
        Unary(Floats, ValueRange.Positive, t => t.Reciprocal(), x => 1 / x);

    [Property(MaxTest = 30, Replay = Ref.Seed)]
    public Property TanhOfAValueDoesNotDependOnItsPositionInTheTensor() =>
        Prop.ForAll(Gen.Choose(1, 70).ToArbitrary(), length =>
    {
        // A batch of observations must act as each alone: every value's tanh equals that of a one-element tensor.
        var random = new SeededRandom(length);
        var values = Enumerable.Range(0, length).Select(_ => (float)(3 * random.NextNormal())).ToArray();
        var whole = Tensor.From<float>(values, [length]).Tanh().ToArray<float>();
        var alone = values.Select(v => Tensor.From<float>([v], [1]).Tanh().ToArray<float>()[0]).ToArray();
        return whole.SequenceEqual(alone);
    });

    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Add() =>
        Binary(Numeric, ValueRange.SmallIntegers, ValueRange.Default, (a, b) => a + b, (x, y) => x + y);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Sub() =>
        Binary(Numeric, ValueRange.Default, ValueRange.Default, (a, b) => a - b, (x, y) => x - y);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Mul() =>
        Binary(Numeric, ValueRange.Default, ValueRange.Default, (a, b) => a * b, (x, y) => x * y);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Div() =>
        Binary(Floats, ValueRange.Default, new ValueRange(0.5, 3), (a, b) => a / b, (x, y) => x / y);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Pow() =>
        Binary(Floats, ValueRange.Positive, ValueRange.Default, Tensor.Pow, Math.Pow, 1e-5, 1e-5);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Maximum() =>
        Binary(Numeric, ValueRange.SmallIntegers, ValueRange.Default, Tensor.Maximum, Math.Max, 0, 0);
    [Property(MaxTest = 60, Replay = Ref.Seed)] public Property Minimum() =>
        Binary(Numeric, ValueRange.SmallIntegers, ValueRange.Default, Tensor.Minimum, Math.Min, 0, 0);

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Comparisons()
    {
        var gen = from dtype in Gen.Elements(Numeric)
                  from shapes in TensorGen.BroadcastShapes()
                  from a in TensorGen.Tensor(shapes.A, dtype, ValueRange.SmallIntegers)
                  from b in TensorGen.Tensor(shapes.B, dtype, ValueRange.SmallIntegers)
                  select (a, b);
        (Func<Tensor, Tensor, Tensor> Op, Func<double, double, bool> Ref)[] cases =
        [
            (Tensor.Eq, (x, y) => x == y), (Tensor.Ne, (x, y) => x != y), (Tensor.Lt, (x, y) => x < y),
            (Tensor.Le, (x, y) => x <= y), (Tensor.Gt, (x, y) => x > y), (Tensor.Ge, (x, y) => x >= y),
        ];
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            foreach (var (op, reference) in cases)
            {
                var expected = Ref.Zip(Ref.Read(p.a), p.a.ShapeToArray(), Ref.Read(p.b), p.b.ShapeToArray(),
                    (x, y) => reference(x, y) ? 1 : 0, out var shape);
                var actual = op(p.a, p.b);
                Assert.Equal(DType.UInt8, actual.DType);
                TensorAssert.AllClose(expected, shape, actual, 0, 0);
            }
        });
    }

    [Property(MaxTest = 60, Replay = Ref.Seed)]
    public Property Where()
    {
        var gen = from dtype in Gen.Elements(DType.Float32, DType.Float64, DType.Int32, DType.Int8)
                  from full in TensorGen.Shape()
                  from sc in TensorGen.BroadcastSource(full)
                  from sa in TensorGen.BroadcastSource(full)
                  from sb in TensorGen.BroadcastSource(full)
                  from c in TensorGen.Tensor(sc, DType.UInt8, new ValueRange(0, 2))
                  from a in TensorGen.Tensor(sa, dtype, ValueRange.SmallIntegers)
                  from b in TensorGen.Tensor(sb, dtype, ValueRange.SmallIntegers)
                  select (c, a, b);
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            int[] sc = p.c.ShapeToArray(), sa = p.a.ShapeToArray(), sb = p.b.ShapeToArray();
            var shape = Ref.BroadcastShape(sc, sa, sb);
            double[] c = Ref.Read(p.c), a = Ref.Read(p.a), b = Ref.Read(p.b);
            var expected = new double[Ref.Count(shape)];
            for (int i = 0; i < expected.Length; i++)
            {
                var idx = Ref.Unravel(i, shape);
                expected[i] = c[Ref.SourceIndex(idx, sc)] != 0
                    ? a[Ref.SourceIndex(idx, sa)] : b[Ref.SourceIndex(idx, sb)];
            }
            var actual = Tensor.Where(p.c, p.a, p.b);
            Assert.Equal(p.a.DType, actual.DType);
            TensorAssert.AllClose(expected, shape, actual, 0, 0);
        });
    }

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property ScalarOverloadsMatchTensorForms()
    {
        var gen = from dtype in Gen.Elements(Floats)
                  from t in TensorGen.Tensor(dtype, ValueRange.Positive)
                  from s in Gen.Choose(1, 20).Select(v => v / 4.0)
                  select (t, s);
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var x = Ref.Read(p.t);
            var shape = p.t.ShapeToArray();
            double tol = Ref.StdTol(p.t.DType);
            (Tensor Actual, Func<double, double> Ref)[] cases =
            [
                (p.t + p.s, v => v + p.s), (p.s + p.t, v => p.s + v), (p.t - p.s, v => v - p.s),
                (p.s - p.t, v => p.s - v),
                (p.t * p.s, v => v * p.s), (p.s * p.t, v => p.s * v), (p.t / p.s, v => v / p.s),
                (p.s / p.t, v => p.s / v),
                (Tensor.Pow(p.t, p.s), v => Math.Pow(v, p.s)), (Tensor.Maximum(p.t, 1.0), v => Math.Max(v, 1)),
                (Tensor.Minimum(p.t, 1.0), v => Math.Min(v, 1)),
            ];
            foreach (var (actual, reference) in cases)
                TensorAssert.AllClose(Ref.InDType(x.Select(reference).ToArray(), p.t.DType), shape,
                    actual, tol * 4, tol);
        });
    }

    [Property(MaxTest = 40, Replay = Ref.Seed)]
    public Property AddThenSubtractRecovers()
    {
        var gen = from shapes in TensorGen.BroadcastShapes()
                  from a in TensorGen.Tensor(shapes.A, DType.Float64)
                  from b in TensorGen.Tensor(shapes.B, DType.Float64)
                  select (a, b);
        return Prop.ForAll(gen.ToArbitrary(), p =>
        {
            var roundTrip = (p.a + p.b) - p.b;
            var shape = Ref.BroadcastShape(p.a.ShapeToArray(), p.b.ShapeToArray());
            TensorAssert.AllClose(p.a.Expand(shape), roundTrip, 1e-12, 1e-12);
        });
    }

    [Fact]
    public void Int32ArithmeticIsExact()
    {
        var a = Tensor.From(new[] { 7, -3, int.MaxValue });
        var b = Tensor.From(new[] { 2, 5, 1 });
        Assert.Equal(new[] { 9, 2, int.MinValue }, (a + b).ToArray<int>());
        Assert.Equal(new[] { 14, -15, int.MaxValue }, (a * b).ToArray<int>());
        Assert.Equal(new[] { 7, 5, int.MaxValue }, Tensor.Maximum(a, b).ToArray<int>());
    }
}

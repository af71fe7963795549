using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;
using static Qail.Autograd.Tests.GradientCases;

namespace Qail.Autograd.Tests;

/// <summary>
/// Every elementwise backward rule against central differences, over random shapes, layouts and values.
/// </summary>
public class ElementwiseGradientProperties
{
    private static readonly (string Name, Func<Variable, Variable> Op, Func<int[], int, Tensor> Input)[] UnaryOps =
    [
        ("Neg", x => x.Neg(), (s, seed) => Uniform(s, seed)),
        ("Exp", x => x.Exp(), (s, seed) => Uniform(s, seed)),
        ("Log", x => x.Log(), (s, seed) => Uniform(s, seed, 0.3, 3)),
        ("Sqrt", x => x.Sqrt(), (s, seed) => Uniform(s, seed, 0.3, 3)),
        ("Abs", x => x.Abs(), AwayFromZeroInput),
        ("Relu", x => x.Relu(), AwayFromZeroInput),
        ("Gelu", x => x.Gelu(), (s, seed) => Uniform(s, seed, -3, 3)),
        ("Sigmoid", x => x.Sigmoid(), (s, seed) => Uniform(s, seed, -4, 4)),
        ("Tanh", x => x.Tanh(), (s, seed) => Uniform(s, seed)),
        ("Clamp", x => x.Clamp(-0.5, 0.7), (s, seed) => AwayFromBounds(s, seed)),
        ("Round", x => x.Round(), AwayFromHalves),
        ("Sign", x => x.Sign(), AwayFromZeroInput),
        ("Square", x => x.Square(), (s, seed) => Uniform(s, seed)),
        ("Reciprocal", x => x.Reciprocal(), AwayFromZeroInput),
        ("Add scalar", x => x + 1.5, (s, seed) => Uniform(s, seed)),
        ("Sub scalar", x => 0.5 - x, (s, seed) => Uniform(s, seed)),
        ("Mul scalar", x => 3.0 * x, (s, seed) => Uniform(s, seed)),
        ("Div scalar", x => x / 4.0, (s, seed) => Uniform(s, seed)),
        ("Scalar div", x => 2.0 / x, AwayFromZeroInput),
        ("Pow scalar", x => Variable.Pow(x, 2.5), (s, seed) => Uniform(s, seed, 0.3, 2)),
        ("Scalar pow", x => Variable.Pow(1.7, x), (s, seed) => Uniform(s, seed)),
        ("Maximum scalar", x => Variable.Maximum(x, 0.25), AwayFromZeroInput),
        ("Minimum scalar", x => Variable.Minimum(x, -0.25), AwayFromZeroInput),
    ];

    [Property(MaxTest = 8, Replay = "(20261126,7)")]
    public void UnaryRulesMatchFiniteDifferences(int seed, int shapeCode, byte rank, bool nonContiguous)
    {
        var shape = Shape(rank % 4, 4, shapeCode, seed);
        foreach (var (name, op, input) in UnaryOps)
        {
            AssertGradients($"{name} {Shapes.Format(shape)}", v => op(v[0]), Layout(input(shape, seed), nonContiguous));
        }
    }

    [Property(MaxTest = 25, Replay = "(20261126,17)")]
    public Property BinaryRulesReduceOverBroadcastDimensions()
    {
        var gen = from shapes in TensorGen.BroadcastShapes(maxRank: 3, maxDim: 4, maxElements: 48)
                  from seed in Gen.Choose(0, 1_000_000)
                  from nonContiguous in Gen.Elements(false, true)
                  select (shapes.A, shapes.B, seed, nonContiguous);
        return Prop.ForAll(gen.ToArbitrary(), c => CheckBinaryRules(c.A, c.B, c.seed, c.nonContiguous));
    }

    private static void CheckBinaryRules(int[] sa, int[] sb, int seed, bool nonContiguous)
    {
        var full = Shapes.Broadcast(sa, sb, "test");
        (string, Func<Variable, Variable, Variable>, Tensor, Tensor)[] cases =
        [
            ("Add", (a, b) => a + b, Uniform(sa, seed), Uniform(sb, seed + 1)),
            ("Sub", (a, b) => a - b, Uniform(sa, seed), Uniform(sb, seed + 1)),
            ("Mul", (a, b) => a * b, Uniform(sa, seed), Uniform(sb, seed + 1)),
            ("Div", (a, b) => a / b, Uniform(sa, seed), AwayFromZero(sb, seed + 1, 0.4)),
            ("Pow", (a, b) => Variable.Pow(a, b), Uniform(sa, seed, 0.3, 2), Uniform(sb, seed + 1, -1.5, 1.5)),
            ("Maximum", (a, b) => Variable.Maximum(a, b), Uniform(sa, seed), Uniform(sb, seed + 1)),
            ("Minimum", (a, b) => Variable.Minimum(a, b), Uniform(sa, seed), Uniform(sb, seed + 1)),
            ("Where", (a, b) => Variable.Where(Tensor.Gt(Uniform(full, seed + 2), 0.0), a, b), Uniform(sa, seed),
                Uniform(sb, seed + 1)),
        ];
        // Independent continuous draws: Maximum/Minimum ties (kinks) have probability zero.
        foreach (var (name, op, a, b) in cases)
            AssertGradients($"{name} {Shapes.Format(sa)} {Shapes.Format(sb)}", v => op(v[0], v[1]),
                Layout(a, nonContiguous), b);
    }

    [Fact]
    public void MaximumAndMinimumSplitTiesEqually()
    {
        var a = Variable.Parameter(Tensor.From<double>([1, 2, 3]));
        var b = Variable.Parameter(Tensor.From<double>([1, 5, 0]));
        Variable.Maximum(a, b).Sum().Backward();
        Assert.Equal([0.5, 0, 1], a.Grad!.ToDoubleArray());
        Assert.Equal([0.5, 1, 0], b.Grad!.ToDoubleArray());
        a.ZeroGrad(); b.ZeroGrad();
        Variable.Minimum(a, b).Sum().Backward();
        Assert.Equal([0.5, 1, 0], a.Grad!.ToDoubleArray());
        Assert.Equal([0.5, 0, 1], b.Grad!.ToDoubleArray());
    }

    [Fact]
    public void ClampPassesGradientInsideAndOnTheBounds()
    {
        var x = Variable.Parameter(Tensor.From<double>([-2, -1, 0, 1, 2]));
        x.Clamp(-1, 1).Sum().Backward();
        Assert.Equal([0, 1, 1, 1, 0], x.Grad!.ToDoubleArray());
    }

    [Fact]
    public void CastConvertsTheGradientBackToTheSourceDType()
    {
        var x = Variable.Parameter(Tensor.From<double>([1.5, -2]));
        (x.Cast(DType.Float32) * 3.0).Sum().Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal([3.0, 3.0], x.Grad.ToDoubleArray());
    }

    private static Tensor AwayFromZeroInput(int[] shape, int seed) => AwayFromZero(shape, seed);

    // Values at least 0.1 away from the clamp bounds -0.5 and 0.7.
    private static Tensor AwayFromBounds(int[] shape, int seed) =>
        Tensor.From<double>(Uniform(shape, seed, -1.5, 1.5).ToDoubleArray()
            .Select(v => Math.Abs(v + 0.5) < 0.1 || Math.Abs(v - 0.7) < 0.1 ? v + 0.25 : v).ToArray(), shape);
}

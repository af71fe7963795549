using Qail.Autograd;
using Qail.Engine;
using Qail.Kernels.Cpu;

namespace Qail.Testing.Tests;

/// <summary>
/// Tolerances, gradient checks of custom functions and per-ISA comparisons name what failed and where.
/// </summary>
public class AssertionTests
{
    [Fact]
    public void UlpToleranceCountsInTheTensorsPrecision()
    {
        float one = 1f, next = MathF.BitIncrement(1f);
        TensorAssert.WithinUlps(Tensor.From(new[] { one, 2f }), Tensor.From(new[] { next, 2f }), 1);
        var ex = Assert.Throws<NumericAssertionException>(() => TensorAssert.WithinUlps(Tensor.From(new[] { one,
            2f }), Tensor.From(new[] { next, 2f }), 0));
        Assert.Contains("index [0]", ex.Message);
        Assert.Contains("1 ulps", ex.Message);
        Assert.Equal(0, Tolerance.UlpDistance(0.0, -0.0, float32: true));
        Assert.Equal(2, Tolerance.UlpDistance(-float.Epsilon, float.Epsilon, float32: true));
    }

    [Fact]
    public void CloseNamesTheWorstElementNotTheFirst()
    {
        var expected = Tensor.From(new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 }, [2, 3]);
        var actual = Tensor.From(new[] { 1.1, 2.0, 3.0, 4.0, 9.0, 6.0 }, [2, 3]);
        var ex = Assert.Throws<NumericAssertionException>(() => TensorAssert.Close(expected, actual,
            Tolerance.Close(1e-3, 1e-3), "my op"));
        Assert.StartsWith("my op:", ex.Message);
        Assert.Contains("2 of 6", ex.Message);
        Assert.Contains("index [1, 1]", ex.Message);
        Assert.Contains("expected 5, actual 9", ex.Message);
    }

    [Fact]
    public void ExactDistinguishesSignedZerosAndDTypes()
    {
        Assert.Throws<NumericAssertionException>(() => TensorAssert.Equal(Tensor.From(new[] { 0f }),
            Tensor.From(new[] { -0f })));
        TensorAssert.AllClose(Tensor.From(new[] { 0f }), Tensor.From(new[] { -0f }));
        Assert.Contains("dtype", Assert.Throws<NumericAssertionException>(()
            => TensorAssert.Equal(Tensor.From(new[] { 1 }), Tensor.From(new[] { 1f }))).Message);
    }

    private sealed class Cube(bool wrong) : CustomFunction
    {
        protected override Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs)
        {
            context.SaveForBackward(inputs[0]);
            return inputs[0] * inputs[0] * inputs[0];
        }

        protected override IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput)
        {
            var x = context.SavedTensors[0];
            return [gradOutput * x * x * (wrong ? 2.0 : 3.0)];
        }
    }

    [Fact]
    public void CustomFunctionGradientsAreCheckedOnEveryLayout()
    {
        Check.ForAll(Generators.Tensor(DType.Float64, maxElements: 12), c
            => GradientAssert.MatchesFiniteDifferences(new Cube(false), c.ToTensor()),
            new CheckOptions(Cases: 40));
        var failure = Assert.Throws<PropertyFailedException>(() =>
            Check.ForAll(Generators.Tensor(DType.Float64, maxElements: 12), c
                => GradientAssert.MatchesFiniteDifferences(new Cube(true), c.ToTensor())));
        Assert.Contains("Cube: gradient check FAILED", failure.InnerException!.Message);
        Assert.Equal(1, ((TensorCase)failure.Counterexample!).ElementCount);
    }

    [Fact]
    public void EveryAvailableCapRunsAndAWrongPathIsNamed()
    {
        var seen = new List<InstructionSet>();
        InstructionSetAssert.MatchesScalar(() => { seen.Add(KernelDispatch.Active); return Tensor.From(new[] { 1f,
            2f }); });
        Assert.Equal(InstructionSetAssert.Available, seen.Distinct().Order());
        Assert.Equal(InstructionSetAssert.Available.Count, seen.Count);

        if (KernelDispatch.Detected < InstructionSet.Vector128) return;
        var ex = Assert.Throws<NumericAssertionException>(() => InstructionSetAssert.MatchesScalar(
            () => new[] { KernelDispatch.Active >= InstructionSet.Vector128 ? 1.5f : 1f, 2f }));
        Assert.StartsWith("Vector128 path", ex.Message);
        Assert.Contains("index [0]", ex.Message);
        InstructionSetAssert.MatchesScalar(() => new[] { KernelDispatch.Active >= InstructionSet.Vector128
            ? 1.00001f : 1f }, Tolerance.Close(1e-4));
    }

    [Theory, InstructionSets]
    public void TheoryRowsAreTheAvailableCaps(InstructionSet isa)
    {
        Assert.Contains(isa, InstructionSetAssert.Available);
        KernelDispatch.With(isa, () => Assert.Equal(isa, KernelDispatch.Active));
    }
}

using Qail.Engine;

namespace Qail.Testing.Tests;

/// <summary>Check.ForAll shrinks a failing case to a minimal one and its replay seed reproduces it.</summary>
public class ShrinkingTests
{
    private static PropertyFailedException Fails<T>(Generator<T> generator, Action<T> property,
        CheckOptions? options = null) =>
        Assert.Throws<PropertyFailedException>(() => Check.ForAll(generator, property, options));

    [Fact]
    public void ALargeElementShrinksToOneSmallInteger()
    {
        var failure = Fails(Generators.Tensor(DType.Float32), c =>
        {
            if (c.ToTensor().ToDoubleArray().Any(v => v > 2)) throw new InvalidOperationException("element above 2");
        });
        var minimal = Assert.IsType<TensorCase>(failure.Counterexample);
        Assert.Equal(1, minimal.ElementCount);
        Assert.Equal(3, minimal.Values[0]);
        Assert.Equal(Layouts.Contiguous, minimal.Layout);
        Assert.Contains("float32", failure.CounterexampleDescription);
        Assert.IsType<InvalidOperationException>(failure.InnerException);
    }

    [Fact]
    public void ALayoutBugKeepsItsLayoutButLosesEverythingElse()
    {
        var failure = Fails(Generators.Tensor(DType.Float64, layouts: Layouts.Sliced | Layouts.Contiguous,
            minRank: 1), c =>
        {
            if (c.Layout == Layouts.Sliced && c.ElementCount > 0) throw new InvalidOperationException("strided input");
        });
        var minimal = Assert.IsType<TensorCase>(failure.Counterexample);
        Assert.Equal(Layouts.Sliced, minimal.Layout);
        Assert.Equal([1], minimal.Shape);
        Assert.Equal([0.0], minimal.Values);
    }

    [Fact]
    public void ShrinkingKeepsTheFailureKind()
    {
        // Small tensors fail differently (ArgumentException); the counterexample must keep the original kind.
        var failure = Fails(Generators.Tensor([8], DType.Float64, ValueRange.SmallIntegers, Layouts.Contiguous), c =>
        {
            if (c.Values.Count(v => v != 0) < 2) throw new ArgumentException("too few non-zeros");
            throw new InvalidOperationException("always");
        });
        Assert.IsType<InvalidOperationException>(failure.InnerException);
        var minimal = Assert.IsType<TensorCase>(failure.Counterexample);
        Assert.Equal(2, minimal.Values.Count(v => v != 0));
        Assert.All(minimal.Values, v => Assert.Contains(v, new[] { 0.0, 1.0 }));
    }

    [Fact]
    public void BroadcastPairsStayBroadcastableWhileShrinking()
    {
        var failure = Fails(Generators.BroadcastPair(DType.Float32, maxRank: 3, allowZero: false), p =>
        {
            if (p.A.Shape.Length + p.B.Shape.Length >= 3) throw new InvalidOperationException("rank");
        });
        var (a, b) = ((TensorCase, TensorCase))failure.Counterexample!;
        Assert.True(Generators.Broadcastable(a.Shape, b.Shape));
        Assert.Equal(3, a.Shape.Length + b.Shape.Length);
        Assert.All(a.Shape.Concat(b.Shape), d => Assert.Equal(1, d));
    }

    [Fact]
    public void TheReplaySeedReproducesTheSameCounterexample()
    {
        var generator = Generators.Tensor(DType.Float64, ValueRange.WithNonFinite);
        void Property(TensorCase c)
        {
            if (c.Values.Any(v => !double.IsFinite(v))) throw new ArithmeticException("non-finite");
        }
        var failure = Fails(generator, Property, new CheckOptions(Seed: 7));
        Assert.Contains($"QAIL_TEST_REPLAY=0x{failure.ReplaySeed:X16}", failure.Message);
        Assert.Contains("run seed 7", failure.Message);
        var again = Fails(generator, Property, new CheckOptions(Replay: failure.ReplaySeed));
        Assert.Equal(failure.CounterexampleDescription, again.CounterexampleDescription);
        Assert.Contains("replayed case", again.Message);
        Assert.Equal(1, ((TensorCase)failure.Counterexample!).ElementCount);
    }

    [Fact]
    public void APassingPropertyRunsEveryCase()
    {
        int runs = 0;
        Check.ForAll(Generators.Int(-5, 5), _ => runs++, new CheckOptions(Cases: 37));
        Assert.Equal(37, runs);
    }

    [Fact]
    public void IntegersAndChoicesShrinkTowardsTheSimplest()
    {
        var failure = Fails(Generators.Zip(Generators.Int(-50, 50), Generators.Elements("a", "b", "c")), p =>
        {
            if (Math.Abs(p.First) >= 10) throw new InvalidOperationException("large");
        }, new CheckOptions(Seed: 3));
        var (number, letter) = ((int, string))failure.Counterexample!;
        Assert.Equal(10, Math.Abs(number));
        Assert.Equal("a", letter);
    }

    [Fact]
    public void FilteredGeneratorsShrinkWithinTheFilter()
    {
        var failure = Fails(Generators.Int(-50, 50).Where(v => v % 2 != 0), v =>
        {
            if (v > 6) throw new InvalidOperationException("large");
        });
        Assert.Equal(7, failure.Counterexample);
    }
}

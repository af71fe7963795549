using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Elementwise;

/// <summary>
/// The fused GELU and its exponential: every path equal to the scalar reference bit for bit, the reference close to
/// GELU-tanh in double, and e^x close to Math.Exp over the range softmax and GELU use.
/// </summary>
public sealed class GeluTanhKernelTests
{
    [Property(MaxTest = 40, Replay = "(20261205,159)")]
    public void EveryPathEqualsTheReferenceBitForBitAndTheDefinitionClosely(int seed)
    {
        var r = new Random(seed);
        int length = r.Next(0, 300);
        var x = Floats(r, length, (float)(0.01 + r.NextDouble() * 12));
        if (length > 2) (x[0], x[1]) = (-100f, 100f);
        float[] Run()
        {
            var y = new float[length];
            GeluTanhKernel.Forward(x, y);
            return y;
        }
        var results = OnEveryPath(Run);
        var reference = results.Single(p => p.Isa == InstructionSet.Scalar).Result;
        foreach (var (isa, y) in results) AssertSame(reference, y, $"gelu on {isa}");
        for (int i = 0; i < length; i++)
        {
            double v = x[i], expected = 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            Assert.True(Math.Abs(reference[i] - expected) <= 1e-6 * (1 + Math.Abs(expected)),
                $"gelu({v}) = {reference[i]}, expected {expected}");
        }
        var inPlace = (float[])x.Clone();
        GeluTanhKernel.Forward(inPlace, inPlace);
        AssertSame(reference, inPlace, "gelu in place");
    }

    [Property(MaxTest = 20, Replay = "(20261205,155)")]
    public void ExpPolynomialIsWithinThreeUlpOfExp(int seed)
    {
        var r = new Random(seed);
        for (int i = 0; i < 2000; i++)
        {
            float x = (float)(r.NextDouble() * 175 - 87);
            double expected = Math.Exp(x), actual = ExpPolynomial.Scalar(x);
            Assert.True(Math.Abs(actual - expected) <= 3 * 1.2e-7 * expected,
                $"exp({x}) = {actual}, expected {expected}");
        }
        Assert.True(ExpPolynomial.Scalar(-1000f) is > 0 and < 2e-38f);
        Assert.True(float.IsFinite(ExpPolynomial.Scalar(1000f)));
    }
}

using FsCheck.Xunit;

namespace Qail.Kernels.Cpu.Tests.Elementwise;

/// <summary>Elementwise and reduction wrappers against plain scalar loops, and their argument checks.</summary>
public sealed class ElementwiseTests
{
    private static float[] Values(Random random, int length, double scale) =>
        Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale)).ToArray();

    // Tolerance for the transcendental kernels: relative, plus 2e-7 absolute because TensorPrimitives
    // computes tanh through exp, which loses relative (not absolute) accuracy near 0.
    private static void Close(double expected, float actual, double relative, string what) =>
        Assert.True(Math.Abs(actual - expected) <= 2e-7 + relative * Math.Abs(expected),
            $"{what}: {actual} vs {expected}");

    [Property(MaxTest = 30, Replay = "(31337,31339)")]
    public void ArithmeticAndFunctionsMatchScalarLoops(int seed)
    {
        var random = new Random(seed);
        var length = random.Next(0, 70);
        float[] x = Values(random, length, 4), y = Values(random, length, 4), d = new float[length];
        Cpu.Elementwise.Add(x, y, d);
        for (var i = 0; i < length; i++) Assert.Equal(x[i] + y[i], d[i]);
        Cpu.Elementwise.Subtract(x, y, d);
        for (var i = 0; i < length; i++) Assert.Equal(x[i] - y[i], d[i]);
        Cpu.Elementwise.Multiply(x, y, d);
        for (var i = 0; i < length; i++) Assert.Equal(x[i] * y[i], d[i]);
        Cpu.Elementwise.Divide(x, y, d);
        for (var i = 0; i < length; i++) Assert.Equal(x[i] / y[i], d[i]);
        Cpu.Elementwise.Scale(x, 0.5f, d);
        for (var i = 0; i < length; i++) Assert.Equal(x[i] * 0.5f, d[i]);
        Cpu.Elementwise.Relu(x, d);
        for (var i = 0; i < length; i++) Assert.Equal(Math.Max(x[i], 0f), d[i]);
        Cpu.Elementwise.Exp(x, d);
        for (var i = 0; i < length; i++) Close(Math.Exp(x[i]), d[i], 1e-6, "exp");
        Cpu.Elementwise.Tanh(x, d);
        for (var i = 0; i < length; i++) Close(Math.Tanh(x[i]), d[i], 1e-6, "tanh");
        Cpu.Elementwise.Sigmoid(x, d);
        for (var i = 0; i < length; i++) Close(1 / (1 + Math.Exp(-x[i])), d[i], 1e-6, "sigmoid");
        var positive = x.Select(Math.Abs).Select(v => v + 0.01f).ToArray();
        Cpu.Elementwise.Log(positive, d);
        for (var i = 0; i < length; i++)
            Assert.True(Math.Abs(d[i] - Math.Log(positive[i])) <= 1e-6 * Math.Max(1, Math.Abs(Math.Log(positive[i]))),
                "log");
        var axpy = (float[])y.Clone();
        Cpu.Elementwise.AddScaled(-1.5f, x, axpy);
        for (var i = 0; i < length; i++) Assert.Equal(MathF.FusedMultiplyAdd(x[i], -1.5f, y[i]), axpy[i]);
    }

    [Property(MaxTest = 30, Replay = "(2024,2025)")]
    public void ReductionsMatchScalarLoops(int seed)
    {
        var random = new Random(seed);
        var length = random.Next(1, 90);
        float[] x = Values(random, length, 3), y = Values(random, length, 3);
        double sum = 0, dot = 0, magnitude = 0;
        for (var i = 0; i < length; i++)
        {
            sum += x[i];
            dot += (double)x[i] * y[i];
            magnitude += Math.Abs(x[i]) + Math.Abs((double)x[i] * y[i]);
        }
        var bound = (length + 2) * Math.Pow(2, -23) * magnitude;
        Assert.True(Math.Abs(Reduction.Sum(x) - sum) <= bound, "sum");
        Assert.True(Math.Abs(Reduction.Dot(x, y) - dot) <= bound, "dot");
        Assert.Equal(x.Max(), Reduction.Max(x));
        Assert.Equal(x.Min(), Reduction.Min(x));
        Assert.Equal(Array.IndexOf(x, x.Max()), Reduction.IndexOfMax(x));
        var softmax = new float[length];
        Reduction.SoftMax(x, softmax);
        var max = x.Max();
        var denominator = x.Sum(v => Math.Exp(v - max));
        for (var i = 0; i < length; i++) Close(Math.Exp(x[i] - max) / denominator, softmax[i], 1e-5, "softmax");
    }

    [Fact]
    public void MismatchedLengthsThrowNamingTheArgument()
    {
        float[] three = new float[3], four = new float[4];
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Cpu.Elementwise.Add(three, four, three)).ParamName);
        Assert.Equal("destination",
            Assert.Throws<ArgumentException>(() => Cpu.Elementwise.Multiply(three, three, four)).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => Cpu.Elementwise.Exp(three, four)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Cpu.Elementwise.AddScaled(1f, three, four)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => Reduction.Dot(three, four)).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => Reduction.Max([])).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => Reduction.SoftMax(three, four)).ParamName);
    }
}

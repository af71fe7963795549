using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Normalization;

/// <summary>
/// Inference layer norm on every path against its scalar reference (the lanes sum in another order), the reference
/// against the definition in double, in place, and the one-line refusal of mismatched shapes.
/// </summary>
public sealed class LayerNormRowsKernelTests
{
    [Property(MaxTest = 40, Replay = "(20261205,157)")]
    public void EveryPathMatchesTheReferenceAndTheDefinition(int seed)
    {
        var r = new Random(seed);
        int rows = r.Next(1, 20), features = r.Next(1, 150);
        float offset = (float)(r.NextDouble() * 20 - 10);
        var x = Floats(r, rows * features, (float)(0.1 + r.NextDouble() * 5)).Select(v => v + offset).ToArray();
        float[] weight = Floats(r, features), bias = Floats(r, features);
        double eps = 1e-5;
        float[] Run()
        {
            var y = new float[x.Length];
            LayerNormRowsKernel.Forward(x, weight, bias, eps, y);
            return y;
        }
        var results = OnEveryPath(Run);
        var reference = results.Single(p => p.Isa == InstructionSet.Scalar).Result;
        for (int row = 0; row < rows; row++)
        {
            var values = x.Skip(row * features).Take(features).Select(v => (double)v).ToArray();
            double mean = values.Average(), variance = values.Select(v => (v - mean) * (v - mean)).Average();
            double rstd = 1 / Math.Sqrt(variance + eps);
            for (int j = 0; j < features; j++)
            {
                double expected = (values[j] - mean) * rstd * weight[j] + bias[j];
                int at = row * features + j;
                // Float statistics of values far from zero lose about |mean| / std ulps; 1e-4 of the normalised scale.
                double tolerance = 1e-4 * (1 + Math.Abs(weight[j]) * (1 + Math.Abs(mean) * rstd * 1e-2));
                Assert.True(Math.Abs(reference[at] - expected) <= tolerance,
                    $"reference [{row}, {j}] {reference[at]} vs {expected}");
                foreach (var (isa, y) in results)
                    Assert.True(Math.Abs(y[at] - reference[at]) <= 1e-5 * (1 + Math.Abs(reference[at])),
                        $"{isa} [{row}, {j}] {y[at]} vs the reference {reference[at]}");
            }
        }
        var inPlace = (float[])x.Clone();
        LayerNormRowsKernel.Forward(inPlace, weight, bias, eps, inPlace);
        Assert.Equal(Run(), inPlace);
    }

    [Fact]
    public void MismatchedShapesAreRefused()
    {
        var message = Assert.Throws<ArgumentException>(() =>
            LayerNormRowsKernel.Forward(new float[10], new float[4], new float[4], 1e-5, new float[10])).Message;
        Assert.Contains("whole rows", message);
    }
}

using Qail.Engine;
using Qail.Quantization;

namespace Qail.Tests.Quantization;

/// <summary>
/// GPTQ against round-to-nearest with the same scales, on inputs whose columns are correlated (where it helps).
/// </summary>
public class GptqTests
{
    private static (float[] Weight, double[,] Inputs) Problem(int rows, int cols, int n, long seed)
    {
        var random = new SeededRandom(seed);
        var mixing = new double[cols, cols];
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++) mixing[i, j] = random.NextNormal() * (i == j ? 1.5 : 0.4);
        var inputs = new double[n, cols];
        for (int r = 0; r < n; r++)
        {
            var z = new double[cols];
            for (int i = 0; i < cols; i++) z[i] = random.NextNormal() * (1 + 3.0 * i / cols);
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int i = 0; i < cols; i++) sum += z[i] * mixing[i, j];
                inputs[r, j] = sum;
            }
        }
        var weight = new float[rows * cols];
        for (int i = 0; i < weight.Length; i++) weight[i] = (float)random.NextNormal();
        return (weight, inputs);
    }

    [Theory]
    [InlineData(3, QuantGranularity.PerChannel, 0, false)]
    [InlineData(4, QuantGranularity.PerChannel, 0, true)]
    [InlineData(3, QuantGranularity.PerGroup, 16, false)]
    [InlineData(2, QuantGranularity.PerGroup, 16, true)]
    public void GptqHasLowerLayerOutputErrorThanRoundToNearest(int bits, QuantGranularity granularity, int group,
        bool actOrder)
    {
        const int rows = 24, cols = 64;
        var (weight, inputs) = Problem(rows, cols, 512, seed: bits * 10 + group);
        var spec = new TensorQuantSpec(bits, true, granularity, group);
        var gptq = GptqSolver.Quantize(weight, rows, cols, inputs, spec,
            new GptqOptions { ActOrder = actOrder, BlockSize = 16 });

        // Round-to-nearest with GPTQ's own scales: the difference is GPTQ's error compensation alone.
        int groups = granularity == QuantGranularity.PerGroup ? cols / group : 1, length = cols / groups;
        var rtn = new float[weight.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int cell = r * groups + c / length;
                var p = new Qail.Kernels.Cpu.QuantizationParameters(gptq.Scales[cell], (int)gptq.ZeroPoints[cell],
                    spec.QMin, spec.QMax);
                rtn[r * cols + c] = p.Dequantize(p.Quantize(weight[r * cols + c]));
            }
        double gptqError = LinearLayerInputs.OutputError(inputs, weight, gptq.Weight, rows);
        double rtnError = LinearLayerInputs.OutputError(inputs, weight, rtn, rows);
        Assert.True(gptqError < 0.9 * rtnError, $"GPTQ {gptqError:G4} should beat round-to-nearest {rtnError:G4}");

        // Every GPTQ weight lies on its cell's grid, so the fake quantizer with these scales reproduces it exactly.
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int cell = r * groups + c / length;
                var p = new Qail.Kernels.Cpu.QuantizationParameters(gptq.Scales[cell], (int)gptq.ZeroPoints[cell],
                    spec.QMin, spec.QMax);
                Assert.Equal(gptq.Weight[r * cols + c], p.Dequantize(p.Quantize(gptq.Weight[r * cols + c])));
            }
    }

    [Fact]
    public void CholeskyInverseInvertsASymmetricPositiveDefiniteMatrix()
    {
        var (_, inputs) = Problem(1, 12, 64, seed: 3);
        var h = GptqSolver.Hessian(inputs);
        for (int i = 0; i < 12; i++) h[i, i] += 0.01;
        var inverse = DenseCholesky.Inverse(h);
        var upper = DenseCholesky.UpperFactorOfInverse(h);
        for (int i = 0; i < 12; i++)
            for (int j = 0; j < 12; j++)
            {
                double product = 0, factored = 0;
                for (int k = 0; k < 12; k++)
                {
                    product += h[i, k] * inverse[k, j];
                    factored += upper[k, i] * upper[k, j];
                }
                Assert.Equal(i == j ? 1 : 0, product, 8);
                Assert.Equal(inverse[i, j], factored, 8);
            }
        Assert.Throws<ArgumentException>(() => DenseCholesky.Lower(new double[,] { { 1, 2 }, { 2, 1 } }));
    }
}

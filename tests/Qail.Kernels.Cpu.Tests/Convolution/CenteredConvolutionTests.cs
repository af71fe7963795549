using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Convolution;

/// <summary>
/// The centered int16 convolution: every path equals the scalar reference bit for bit, and the reference equals the
/// convolution's definition computed straight from the unpacked weights (extreme codes +-255 included).
/// </summary>
public sealed class CenteredConvolutionTests
{
    [Property(MaxTest = 60, Replay = "(15151,3)")]
    public void EveryPathEqualsTheReferenceAndTheDefinition(int seed)
    {
        var r = new Random(seed);
        int channels = r.Next(1, 20), kernel = r.Next(1, 4), stride = r.Next(1, 3), outputs = r.Next(1, 40);
        int height = r.Next(kernel, kernel + 9), width = r.Next(kernel, kernel + 9), patch = kernel * kernel * channels;
        var map = Enumerable.Range(0, height * width * channels).Select(_ => (short)Extreme(r)).ToArray();
        var centered = Enumerable.Range(0, outputs * patch).Select(_ => Extreme(r)).ToArray();
        var weights = CenteredConvolutionWeights.Pack(centered, outputs, patch);
        int outH = (height - kernel) / stride + 1, outW = (width - kernel) / stride + 1;
        var definition = new int[outH * outW * outputs];
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++)
                for (int n = 0; n < outputs; n++)
                {
                    int sum = 0;
                    for (int ky = 0; ky < kernel; ky++)
                        for (int kx = 0; kx < kernel; kx++)
                            for (int c = 0; c < channels; c++)
                                sum += map[((oy * stride + ky) * width + ox * stride + kx) * channels + c]
                                    * centered[n * patch + (ky * kernel + kx) * channels + c];
                    definition[(oy * outW + ox) * outputs + n] = sum;
                }
        var reference = new int[definition.Length];
        CenteredConvolutionReference.Run(map, height, width, channels, kernel, stride, weights, reference);
        AssertSame(definition, reference, $"reference c={channels} k={kernel} s={stride} n={outputs}");
        foreach (var (isa, acc) in OnEveryPath(() =>
        {
            var acc = new int[definition.Length];
            CenteredConvolution.Run(map, height, width, channels, kernel, stride, weights, acc);
            return acc;
        }))
            AssertSame(reference, acc, $"{isa} c={channels} k={kernel} s={stride} n={outputs} map {height}x{width}");
    }

    [Fact]
    public void BadShapesAndValuesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => CenteredConvolutionWeights.Pack(new int[6], 2, 4));
        Assert.Throws<ArgumentException>(() => CenteredConvolutionWeights.Pack([256], 1, 1));
        var weights = CenteredConvolutionWeights.Pack(new int[2 * 9], 2, 9);
        Assert.Throws<ArgumentException>(() => CenteredConvolution.Run(new short[15], 4, 4, 1, 3, 1, weights,
            new int[8]));
        Assert.Throws<ArgumentException>(() => CenteredConvolution.Run(new short[16], 4, 4, 1, 3, 1, weights,
            new int[7]));
        Assert.Throws<ArgumentException>(() => CenteredConvolution.Run(new short[32], 4, 4, 2, 3, 1, weights,
            new int[8]));
    }

    // Mostly uniform codes, often the +-255 extremes that bound the int32 sums.
    private static int Extreme(Random r) => r.Next(4) == 0 ? (r.Next(2) == 0 ? -255 : 255) : r.Next(-255, 256);
}

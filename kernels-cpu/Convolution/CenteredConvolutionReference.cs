namespace Qail.Kernels.Cpu;

/// <summary>The scalar reference of <see cref="CenteredConvolution"/>: plain int32 sums over each pixel's
/// patch.</summary>
public static class CenteredConvolutionReference
{
    /// <summary>acc[pixel, n] = sum over the patch (ky, kx, c) of map value times centered weight.</summary>
    public static void Run(ReadOnlySpan<short> map, int paddedHeight, int paddedWidth, int channels, int kernel,
        int stride,
        CenteredConvolutionWeights weights, Span<int> acc)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var (outH, outW) = Check(map.Length, paddedHeight, paddedWidth, channels, kernel, stride, weights, acc.Length);
        var patch = new short[weights.PaddedPatch];
        int run = kernel * channels, n = weights.Outputs;
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++)
            {
                for (int ky = 0; ky < kernel; ky++)
                    map.Slice(((oy * stride + ky) * paddedWidth + ox * stride) * channels,
                        run).CopyTo(patch.AsSpan(ky * run, run));
                Dot(patch, weights, acc.Slice((oy * outW + ox) * n, n));
            }
    }

    /// <summary>One pixel: output[n] = sum_k patch[k] * w[n, k].</summary>
    internal static void Dot(ReadOnlySpan<short> patch, CenteredConvolutionWeights weights, Span<int> output)
    {
        int padded = weights.PaddedOutputs;
        var pairs = weights.Pairs;
        for (int n = 0; n < weights.Outputs; n++)
        {
            int sum = 0;
            for (int k = 0; k < weights.Patch; k++) sum += patch[k] * pairs[((k / 2) * padded + n) * 2 + (k & 1)];
            output[n] = sum;
        }
    }

    /// <summary>Checks the shapes; returns the output grid.</summary>
    internal static (int Height, int Width) Check(int mapLength, int paddedHeight, int paddedWidth, int channels,
        int kernel, int stride,
        CenteredConvolutionWeights weights, int accLength)
    {
        if (channels < 1 || kernel < 1 || stride < 1 || paddedHeight < kernel || paddedWidth < kernel)
            throw new ArgumentException($"CenteredConvolution: map [{paddedHeight}, {paddedWidth}, {channels}], kernel "
                + $"{kernel}, stride {stride}: need positive sizes and a kernel within the map.");
        if ((long)paddedHeight * paddedWidth * channels != mapLength)
            throw new ArgumentException(
                $"CenteredConvolution: map length {mapLength} != {paddedHeight} x {paddedWidth} x {channels}.", "map");
        if ((long)kernel * kernel * channels != weights.Patch)
            throw new ArgumentException($"CenteredConvolution: the weights' patch {weights.Patch} != kernel {kernel}^2 "
                + $"x channels {channels}.", nameof(weights));
        int outH = (paddedHeight - kernel) / stride + 1, outW = (paddedWidth - kernel) / stride + 1;
        if ((long)outH * outW * weights.Outputs != accLength)
            throw new ArgumentException($"CenteredConvolution: acc length {accLength} != {outH} x {outW} pixels x "
                + $"{weights.Outputs} outputs.", "acc");
        return (outH, outW);
    }
}

using System.Numerics.Tensors;
using Qail.Kernels.Cpu;

namespace Qail.Runtime;

/// <summary>
/// An im2col and the W8A8 (or narrower) layer reading it, run as one integer convolution, planned when the policy
/// loads: the feature map is quantized once (each value once, not once per patch it falls in), laid out as NHWC
/// centered int16 codes with a zero border (the code of a zero is the zero point, so the border adds nothing), and
/// multiplied by <see cref="CenteredConvolution"/> against weights centered and reordered to (ky, kx, channel) at load.
/// The int32 sums are the exact sums the int8 GEMM over the im2col of the codes gives, and the float epilogue (and a
/// following ReLU) is the layer's own, so the output is bit for bit the unplanned ops' output.
/// </summary>
internal sealed class QuantizedConvolution
{
    private readonly Im2col _patches;
    private readonly Int8Linear _layer;
    private readonly bool _relu;
    private readonly CenteredConvolutionWeights _weights;
    private readonly int _paddedHeight, _paddedWidth;
    private readonly byte[] _unsignedCodes;
    private readonly sbyte[] _signedCodes;
    private readonly short[] _map;
    private readonly int[] _sums;

    public QuantizedConvolution(Im2col patches, Int8Linear layer, bool relu)
        : this(patches, layer, relu, Pack(patches, layer))
    {
    }

    private QuantizedConvolution(Im2col patches, Int8Linear layer, bool relu, CenteredConvolutionWeights weights)
    {
        (_patches, _layer, _relu, _weights) = (patches, layer, relu, weights);
        _paddedHeight = patches.Height + 2 * patches.Padding;
        _paddedWidth = patches.Width + 2 * patches.Padding;
        bool symmetric = layer.Activation.Symmetric;
        _unsignedCodes = symmetric ? [] : new byte[patches.InputSize];
        _signedCodes = symmetric ? new sbyte[patches.InputSize] : [];
        _map = new short[(long)_paddedHeight * _paddedWidth * patches.Channels];
        _sums = new int[patches.Rows * weights.Outputs];
    }

    /// <summary>True when the pair can run this way: a patch short enough for the kernel's buffer.</summary>
    public static bool Fits(Im2col patches, Int8Linear layer) =>
        layer.Rows == patches.Rows && layer.Weights.Columns == patches.Columns
        && patches.Columns <= Math.Min(CenteredConvolution.MaxStackPatch, CenteredConvolutionWeights.MaxPatch);

    /// <summary>Computes the layer's output (after the ReLU when one is fused) from the im2col's input map.</summary>
    public void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        var a = _layer.Activation;
        if (a.Symmetric)
        {
            QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _signedCodes, a.QMin, a.QMax);
            Center<sbyte>(_signedCodes, a.ZeroPoint);
        }
        else
        {
            QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _unsignedCodes, a.QMin, a.QMax);
            Center<byte>(_unsignedCodes, a.ZeroPoint);
        }
        CenteredConvolution.Run(_map, _paddedHeight, _paddedWidth, _patches.Channels, _patches.KernelSize, _patches.Stride, _weights, _sums);
        Epilogue(output);
    }

    // Codes minus the zero point into the padded NHWC map's interior (the border was zeroed at allocation).
    private void Center<T>(T[] codes, int zeroPoint) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int channels = _patches.Channels, height = _patches.Height, width = _patches.Width, pad = _patches.Padding;
        int plane = height * width;
        var map = _map;
        for (int y = 0; y < height; y++)
        {
            int row = ((y + pad) * _paddedWidth + pad) * channels;
            if (_patches.ChannelsLast)
            {
                int source = y * width * channels;
                for (int i = 0; i < width * channels; i++) map[row + i] = (short)(int.CreateTruncating(codes[source + i]) - zeroPoint);
            }
            else
            {
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < channels; c++)
                        map[row + x * channels + c] = (short)(int.CreateTruncating(codes[c * plane + y * width + x]) - zeroPoint);
            }
        }
    }

    // The layer's float epilogue, acc * (sA * sW[n]) then + b[n], in the same two roundings; then the ReLU's own call.
    private void Epilogue(Span<float> output)
    {
        var scales = _layer.OutputScales;
        var bias = _layer.Bias;
        int outputs = _weights.Outputs;
        for (int r = 0; r < _patches.Rows; r++)
        {
            var sums = _sums.AsSpan(r * outputs, outputs);
            var row = output.Slice(r * outputs, outputs);
            for (int n = 0; n < outputs; n++)
            {
                float v = sums[n] * scales[n];
                row[n] = bias is null ? v : v + bias[n];
            }
        }
        if (_relu) TensorPrimitives.Max(output, 0f, output);
    }

    // Centered weight codes w - z[n], columns reordered from the im2col's (channel, ky, kx) to the NHWC patch's (ky, kx, channel).
    private static CenteredConvolutionWeights Pack(Im2col patches, Int8Linear layer)
    {
        var w = layer.Weights;
        int k = patches.KernelSize, channels = patches.Channels, columns = w.Columns;
        var centered = new int[w.Rows * columns];
        for (int n = 0; n < w.Rows; n++)
        {
            int zero = w.ZeroPoint(n, 0);
            for (int c = 0; c < channels; c++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++)
                        centered[n * columns + (ky * k + kx) * channels + c] = w.Codes[n * columns + (c * k + ky) * k + kx] - zero;
        }
        return CenteredConvolutionWeights.Pack(centered, w.Rows, columns);
    }
}

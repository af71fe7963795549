using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Qail.Kernels.Cpu;

namespace Qail.Runtime;

/// <summary>
/// An im2col and the W8A8 (or narrower) layer reading it, run as one integer convolution, planned when the policy
/// loads: the feature map is quantized once (each value once, not once per patch it falls in), laid out as NHWC
/// centered int16 codes with a zero border (the code of a zero is the zero point, so the border adds nothing), and
/// multiplied by <see cref="CenteredConvolution"/> against weights centered and reordered to (ky, kx, channel) at load.
/// The int32 sums are the exact sums the int8 GEMM over the im2col of the codes gives, and the float epilogue (and a
/// following ReLU) is the layer's own, so the output is bit for bit the unplanned ops' output. When the next
/// convolution alone reads it, the epilogue writes that one's 8-bit codes instead (<see cref="WriteCodes"/>).
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
    private short[]? _pixelCodes;

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

    /// <summary>
    /// Bytes this convolution sets aside beyond the ops' own buffers: input codes, the padded NHWC map, the int32
    /// sums, the centered weights (and their packed pairs), and with <paramref name="fromPixels"/> the pixel bytes
    /// and their code table; charged to <see cref="WorkingMemory"/> before the plan allocates them.
    /// </summary>
    public static long WorkingBytes(Im2col patches, Int8Linear layer, bool fromPixels)
    {
        long padded = (long)(patches.Height + 2 * patches.Padding) * (patches.Width + 2 * patches.Padding);
        int outputs = layer.Weights.Rows, columns = layer.Weights.Columns;
        long paddedOutputs = (outputs + CenteredConvolutionWeights.Block - 1) / CenteredConvolutionWeights.Block
            * CenteredConvolutionWeights.Block;
        long weights = 4L * outputs * columns + 2L * ((columns + 1) / 2 * 2) * paddedOutputs;
        long pixels = fromPixels ? patches.InputSize + 2L * 256 : 0;
        return patches.InputSize + 2 * padded * patches.Channels + 4L * patches.Rows * outputs + weights + pixels;
    }

    /// <summary>True when the pair can run this way: a patch short enough for the kernel's buffer.</summary>
    public static bool Fits(Im2col patches, Int8Linear layer) =>
        layer.Rows == patches.Rows && layer.Weights.Columns == patches.Columns
        && patches.Columns <= Math.Min(CenteredConvolution.MaxStackPatch, CenteredConvolutionWeights.MaxPatch);

    /// <summary>
    /// <see cref="Convolve"/> from an image's 8-bit HWC pixels (the im2col reads the image input, whose values are
    /// <see cref="GraphInput.Pixel"/> of them): each pixel's centered code comes from a table of the 256 codes,
    /// quantized by the same kernel as the map's values, so the codes are the ones <see cref="Quantize"/> gives.
    /// </summary>
    public void ConvolvePixels(ReadOnlySpan<byte> pixels)
    {
        var table = _pixelCodes ??= PixelCodes();
        int run = _patches.Width * _patches.Channels, pad = _patches.Padding;
        for (int y = 0; y < _patches.Height; y++)
        {
            var row = _map.AsSpan(((y + pad) * _paddedWidth + pad) * _patches.Channels, run);
            var source = pixels.Slice(y * run, run);
            for (int i = 0; i < run; i++) row[i] = table[source[i]];
        }
        CenteredConvolution.Run(_map, _paddedHeight, _paddedWidth, _patches.Channels, _patches.KernelSize,
            _patches.Stride, _weights, _sums);
    }

    // Centered code of every byte's pixel value, through the activation quantizer the map's values take.
    private short[] PixelCodes()
    {
        var a = _layer.Activation;
        var values = new float[256];
        for (int b = 0; b < values.Length; b++) values[b] = GraphInput.Pixel((byte)b);
        var table = new short[values.Length];
        if (a.Symmetric)
        {
            var codes = new sbyte[values.Length];
            QuantizeLinear.PerTensor(values, a.Scale, a.ZeroPoint, codes, a.QMin, a.QMax);
            for (int b = 0; b < table.Length; b++) table[b] = (short)(codes[b] - a.ZeroPoint);
        }
        else
        {
            var codes = new byte[values.Length];
            QuantizeLinear.PerTensor(values, a.Scale, a.ZeroPoint, codes, a.QMin, a.QMax);
            for (int b = 0; b < table.Length; b++) table[b] = (short)(codes[b] - a.ZeroPoint);
        }
        return table;
    }

    /// <summary>True when the layer's ReLU runs in this convolution's epilogue.</summary>
    public bool ReluFused => _relu;

    /// <summary>True when this convolution's outputs, in order, are <paramref name="next"/>'s input map.</summary>
    public bool Feeds(QuantizedConvolution next) => next._patches.InputSize == _patches.Rows * _weights.Outputs;

    /// <summary>Quantizes the input map into this convolution's activation codes.</summary>
    public void Quantize(ReadOnlySpan<float> input)
    {
        var a = _layer.Activation;
        if (a.Symmetric) QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _signedCodes, a.QMin, a.QMax);
        else QuantizeLinear.PerTensor(input, a.Scale, a.ZeroPoint, _unsignedCodes, a.QMin, a.QMax);
    }

    /// <summary>
    /// The int32 sums of this convolution's activation codes (set by <see cref="Quantize"/> or the convolution
    /// before), centered into the padded NHWC map.
    /// </summary>
    public void Convolve()
    {
        var a = _layer.Activation;
        if (a.Symmetric) Center(MemoryMarshal.Cast<sbyte, byte>(_signedCodes), a.ZeroPoint, signed: true);
        else Center(_unsignedCodes, a.ZeroPoint, signed: false);
        CenteredConvolution.Run(_map, _paddedHeight, _paddedWidth, _patches.Channels, _patches.KernelSize,
            _patches.Stride, _weights, _sums);
    }

    /// <summary>
    /// The epilogue straight to <paramref name="next"/>'s activation codes (<see cref="Int8CodeEpilogue"/>, the ReLU
    /// in it when fused): the codes its <see cref="Quantize"/> gives for <see cref="WriteFloats"/>' values.
    /// </summary>
    public void WriteCodes(QuantizedConvolution next)
    {
        var a = next._layer.Activation;
        var bias = _layer.Bias ?? [];
        var scales = _layer.OutputScales;
        if (a.Symmetric)
            Int8CodeEpilogue.Requantize(_sums, scales, bias, _relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._signedCodes);
        else
            Int8CodeEpilogue.Requantize(_sums, scales, bias, _relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._unsignedCodes);
    }

    /// <summary>
    /// The epilogue that closes a residual block (<see cref="Int8ResidualEpilogue"/>): this convolution's values plus
    /// <paramref name="skip"/> (the shortcut's floats), the block's ReLU when <paramref name="relu"/>, written to
    /// <paramref name="output"/> (unless empty) and, with <paramref name="next"/>, as its activation codes: the
    /// values <see cref="WriteFloats"/>, the add and the ReLU op give one after the other, and the codes
    /// <paramref name="next"/>'s <see cref="Quantize"/> gives for them.
    /// </summary>
    public void WriteResidual(ReadOnlySpan<float> skip, bool relu, QuantizedConvolution? next, Span<float> output)
    {
        var bias = _layer.Bias ?? [];
        var scales = _layer.OutputScales;
        if (next is null)
        {
            Int8ResidualEpilogue.Requantize(_sums, scales, bias, skip, relu, 1f, 0, -128, 127, Span<sbyte>.Empty,
                output);
            return;
        }
        var a = next._layer.Activation;
        if (a.Symmetric)
            Int8ResidualEpilogue.Requantize(_sums, scales, bias, skip, relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._signedCodes, output);
        else
            Int8ResidualEpilogue.Requantize(_sums, scales, bias, skip, relu, a.Scale, a.ZeroPoint, a.QMin, a.QMax,
                next._unsignedCodes, output);
    }

    // Codes minus the zero point into the padded NHWC map's interior (the border was zeroed at allocation). An HWC
    // input row is one contiguous run, widened 32 codes at a time; a CHW input (the image) is transposed value by
    // value.
    private void Center(ReadOnlySpan<byte> codes, int zeroPoint, bool signed)
    {
        int channels = _patches.Channels, height = _patches.Height, width = _patches.Width, pad = _patches.Padding;
        int plane = height * width, run = width * channels;
        var map = _map.AsSpan();
        var zero = Vector256.Create((short)zeroPoint);
        for (int y = 0; y < height; y++)
        {
            var row = map.Slice(((y + pad) * _paddedWidth + pad) * channels, run);
            if (_patches.ChannelsLast)
            {
                var source = codes.Slice(y * run, run);
                int i = 0;
                for (; i + Vector256<byte>.Count <= run; i += Vector256<byte>.Count)
                {
                    var bytes = Vector256.Create(source.Slice(i, Vector256<byte>.Count));
                    var (low, high) = signed
                        ? Vector256.Widen(bytes.AsSByte())
                        : (Vector256.WidenLower(bytes).AsInt16(), Vector256.WidenUpper(bytes).AsInt16());
                    (low - zero).CopyTo(row.Slice(i, Vector256<short>.Count));
                    (high - zero).CopyTo(row.Slice(i + Vector256<short>.Count, Vector256<short>.Count));
                }
                for (; i < run; i++) row[i] = (short)((signed ? (sbyte)source[i] : source[i]) - zeroPoint);
            }
            else
                for (int c = 0; c < channels; c++)
                {
                    var source = codes.Slice(c * plane + y * width, width);
                    if (signed)
                        for (int x = 0; x < width; x++) row[x * channels + c] = (short)((sbyte)source[x] - zeroPoint);
                    else
                        for (int x = 0; x < width; x++) row[x * channels + c] = (short)(source[x] - zeroPoint);
                }
        }
    }

    /// <summary>
    /// The layer's float epilogue, acc * (sA * sW[n]) then + b[n], in the same two roundings (vector lanes round each
    /// element as the scalar loop does; no fused multiply-add), then the ReLU's own call when fused.
    /// </summary>
    public void WriteFloats(Span<float> output)
    {
        var scales = _layer.OutputScales;
        var bias = _layer.Bias;
        int outputs = _weights.Outputs, width = Vector256<float>.Count;
        for (int r = 0; r < _patches.Rows; r++)
        {
            var sums = _sums.AsSpan(r * outputs, outputs);
            var row = output.Slice(r * outputs, outputs);
            int n = 0;
            for (; n + width <= outputs; n += width)
            {
                var sum = Vector256.ConvertToSingle(Vector256.Create(sums.Slice(n, width)));
                var v = sum * Vector256.Create(scales.Slice(n, width));
                if (bias is not null) v += Vector256.Create(bias.AsSpan(n, width));
                v.CopyTo(row.Slice(n, width));
            }
            for (; n < outputs; n++)
            {
                float v = sums[n] * scales[n];
                row[n] = bias is null ? v : v + bias[n];
            }
        }
        if (_relu) TensorPrimitives.Max(output, 0f, output);
    }

    // Centered weight codes w - z[n], columns reordered from the im2col's (channel, ky, kx) to the NHWC patch's (ky,
    // kx, channel).
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
                        centered[n * columns + (ky * k + kx) * channels + c] = w.Codes[n * columns + (c * k + ky) * k
                            + kx] - zero;
        }
        return CenteredConvolutionWeights.Pack(centered, w.Rows, columns);
    }
}

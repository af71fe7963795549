using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Unfolds a feature map into convolution patches: one row per output pixel (row-major over the output grid), columns
/// ordered (channel, ky, kx) as a convolution weight [out, in, kh, kw] flattens, zero outside the padded border. Reads
/// CHW (the image input) or HWC (feature maps written by weight-layer ops); the following weight layer then writes HWC.
/// </summary>
internal sealed class Im2col : UnaryOp
{
    public const string Name = "im2col";

    /// <summary>Largest kernel side, stride and padding a policy file may declare.</summary>
    public const int MaxKernel = 7;

    private readonly int[] _sources;
    private readonly float[] _padded;

    public Im2col(int channels, int height, int width, int kernel, int stride, int padding, bool channelsLast)
    {
        if (channels < 1 || height < 1 || width < 1)
            throw new ArgumentException($"Im2col: input [{channels}, {height}, {width}] must be positive.");
        if (kernel is < 1 or > MaxKernel || stride is < 1 or > MaxKernel || padding < 0 || padding >= kernel)
            throw new ArgumentException($"Im2col: kernel {kernel}, stride {stride}, padding {padding}: need kernel and "
                + $"stride in 1..{MaxKernel} and padding in 0..kernel-1.");
        if (height + 2 * padding < kernel || width + 2 * padding < kernel)
            throw new ArgumentException($"Im2col: a {kernel}x{kernel} kernel does not fit the padded {height}x{width} "
                + $"input (padding {padding}).");
        (Channels, Height, Width, KernelSize, Stride, Padding, ChannelsLast) = (channels, height, width, kernel, stride,
            padding, channelsLast);
        OutputHeight = (height + 2 * padding - kernel) / stride + 1;
        OutputWidth = (width + 2 * padding - kernel) / stride + 1;
        long inputSize = (long)channels * height * width, outputSize = (long)OutputHeight * OutputWidth * Columns;
        if (inputSize > RuntimeLimits.MaxValues || outputSize > RuntimeLimits.MaxValues
            || (long)OutputHeight * OutputWidth > RowCount.Max)
            throw new ArgumentException($"Im2col: input {inputSize} values, {OutputHeight * OutputWidth} patches of "
                + $"{Columns} values exceed the runtime limits ({RuntimeLimits.MaxValues} values, "
                + $"{RowCount.Max} rows).");
        _sources = Sources();
        _padded = new float[inputSize + 1];
    }

    // A replica shares the (immutable) gather table and owns its scratch copy of the input.
    private Im2col(Im2col other)
    {
        (Channels, Height, Width, KernelSize, Stride, Padding, ChannelsLast) = (other.Channels, other.Height,
            other.Width, other.KernelSize, other.Stride, other.Padding, other.ChannelsLast);
        (OutputHeight, OutputWidth, _sources) = (other.OutputHeight, other.OutputWidth, other._sources);
        _padded = new float[other._padded.Length];
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    /// <summary>True when the input is HWC (a weight layer's output), false when CHW (the image).</summary>
    public bool ChannelsLast { get; }

    public int OutputHeight { get; }
    public int OutputWidth { get; }

    /// <summary>Values per patch: channels x kernel x kernel.</summary>
    public int Columns => Channels * KernelSize * KernelSize;

    /// <summary>Patches: output pixels.</summary>
    public int Rows => OutputHeight * OutputWidth;

    public override string Kind => Name;
    public override int InputSize => Channels * Height * Width;
    public override int OutputSize => Rows * Columns;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        // One gather through the precomputed table; padding reads the zero after the copied input.
        input.CopyTo(_padded);
        var padded = _padded;
        var sources = _sources;
        for (int i = 0; i < sources.Length; i++) output[i] = padded[sources[i]];
    }

    public override RuntimeOp Replicate() => new Im2col(this);

    // Input offset of every patch value (row, then columns (c, ky, kx)); the input's size (one past its end) for
    // padding.
    private int[] Sources()
    {
        int k = KernelSize, plane = Height * Width, inputSize = Channels * plane;
        // Offsets of channel c's value at pixel p: CHW c * plane + p, HWC p * channels + c.
        int channelStep = ChannelsLast ? 1 : plane, pixelStep = ChannelsLast ? Channels : 1;
        var sources = new int[Rows * Columns];
        int i = 0;
        for (int oy = 0; oy < OutputHeight; oy++)
            for (int ox = 0; ox < OutputWidth; ox++)
                for (int c = 0; c < Channels; c++)
                    for (int ky = 0; ky < k; ky++)
                    {
                        int iy = oy * Stride - Padding + ky;
                        for (int kx = 0; kx < k; kx++)
                        {
                            int ix = ox * Stride - Padding + kx;
                            sources[i++] = (uint)iy < (uint)Height && (uint)ix < (uint)Width
                                ? c * channelStep + (iy * Width + ix) * pixelStep : inputSize;
                        }
                    }
        return sources;
    }

    public override int[] GatherSources
    {
        get
        {
            int inputSize = InputSize;
            return Array.ConvertAll(_sources, s => s == inputSize ? -1 : s);
        }
    }

    public override void Lower(GpuBuilder gpu) => gpu.Gather(GatherSources);

    public override string Describe() =>
        $"im2col {KernelSize}x{KernelSize} stride {Stride} pad {Padding} [{Channels}, {Height}, {Width}] "
            + $"{(ChannelsLast ? "HWC" : "CHW")} -> [{Rows}, {Columns}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("channels", Channels);
        writer.Attribute("height", Height);
        writer.Attribute("width", Width);
        writer.Attribute("kernel", KernelSize);
        writer.Attribute("stride", Stride);
        writer.Attribute("padding", Padding);
        writer.Attribute("channels_last", ChannelsLast);
    }

    public static Im2col Read(OpReader reader)
    {
        int channels = reader.Int("channels", 1, RuntimeLimits.MaxWidth);
        int height = reader.Int("height", 1, RuntimeLimits.MaxWidth),
            width = reader.Int("width", 1, RuntimeLimits.MaxWidth);
        int kernel = reader.Int("kernel", 1, MaxKernel);
        int stride = reader.Int("stride", 1, MaxKernel);
        int padding = reader.Int("padding", 0, kernel - 1);
        // The padded input copy and the gather table, from checked sizes, charged before the constructor allocates
        // them.
        long outputHeight = Math.Max(0, (height + 2L * padding - kernel) / stride + 1),
            outputWidth = Math.Max(0, (width + 2L * padding - kernel) / stride + 1);
        reader.Reserve(4L * ((long)channels * height * width + 1)
            + 4L * outputHeight * outputWidth * channels * kernel * kernel, "padded input and gather table");
        return new Im2col(channels, height, width, kernel, stride, padding, reader.Bool("channels_last"));
    }
}

using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Transposes a feature map from HWC (a weight layer's output over pixels) to CHW, the order a flatten of the
/// training model's NCHW map reads. Used where the next layer's weight groups cannot be permuted to HWC instead.
/// </summary>
internal sealed class ChannelsFirst : UnaryOp
{
    public const string Name = "channels_first";

    public ChannelsFirst(int pixels, int channels)
    {
        if (pixels < 1 || channels < 1 || (long)pixels * channels > RuntimeLimits.MaxValues)
            throw new ArgumentException($"ChannelsFirst: {pixels} pixels x {channels} channels must be positive and at "
                + $"most {RuntimeLimits.MaxValues} values.");
        (Pixels, Channels) = (pixels, channels);
    }

    public int Pixels { get; }
    public int Channels { get; }

    public override string Kind => Name;
    public override int InputSize => Pixels * Channels;
    public override int OutputSize => Pixels * Channels;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int p = 0; p < Pixels; p++)
            for (int c = 0; c < Channels; c++) output[c * Pixels + p] = input[p * Channels + c];
    }

    public override int[] GatherSources => TraceSources();

    public override void Lower(GpuBuilder gpu) => gpu.Gather(GatherSources);

    public override string Describe() => $"channels first [{Pixels}, {Channels}] -> [{Channels}, {Pixels}]";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("pixels", Pixels);
        writer.Attribute("channels", Channels);
    }

    public static ChannelsFirst Read(OpReader reader) =>
        new(reader.Int("pixels", 1, RuntimeLimits.MaxValues), reader.Int("channels", 1, RuntimeLimits.MaxWidth));
}

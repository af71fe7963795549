using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// Cuts a CHW image into non-overlapping square patches (a convolution whose stride equals its kernel): one row per
/// patch, row-major over the patch grid, columns ordered (channel, y, x) as a convolution weight [out, in, p, p]
/// flattens.
/// </summary>
internal sealed class PatchGather : UnaryOp
{
    public const string Name = "patch_gather";

    /// <summary>Largest patch side a policy file may declare.</summary>
    public const int MaxPatch = 64;

    public PatchGather(int channels, int height, int width, int patch)
    {
        if (channels < 1 || height < 1 || width < 1 || (long)channels * height * width > RuntimeLimits.MaxValues)
            throw new ArgumentException($"PatchGather: image [{channels}, {height}, {width}] must be positive and hold "
                + $"at most {RuntimeLimits.MaxValues} values.");
        if (patch is < 1 or > MaxPatch || height % patch != 0 || width % patch != 0)
            throw new ArgumentException(
                $"PatchGather: patch size {patch} must lie in 1..{MaxPatch} and divide the image {height}x{width}.",
                nameof(patch));
        (Channels, Height, Width, Patch) = (channels, height, width, patch);
    }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Patch { get; }

    /// <summary>Patches: rows of the output.</summary>
    public int Rows => Height / Patch * (Width / Patch);

    /// <summary>Values per patch: channels x patch x patch.</summary>
    public int Columns => Channels * Patch * Patch;

    public override string Kind => Name;
    public override int InputSize => Channels * Height * Width;
    public override int OutputSize => Rows * Columns;
    public override long ParameterBytes => 0;

    public override void Run(ReadOnlySpan<float> input, Span<float> output)
    {
        int p = Patch, plane = Height * Width, across = Width / p, row = 0;
        for (int py = 0; py < Height / p; py++)
            for (int px = 0; px < across; px++, row++)
            {
                var patch = output.Slice(row * Columns, Columns);
                int column = 0;
                for (int c = 0; c < Channels; c++)
                    for (int y = 0; y < p; y++, column += p)
                        input.Slice(c * plane + (py * p + y) * Width + px * p, p).CopyTo(patch.Slice(column, p));
            }
    }

    public override int[] GatherSources => TraceSources();

    public override void Lower(GpuBuilder gpu) => gpu.Gather(GatherSources);

    public override string Describe() => $"patch gather [{Channels}, {Height}, {Width}] -> {Rows} patches of {Columns}";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("channels", Channels);
        writer.Attribute("height", Height);
        writer.Attribute("width", Width);
        writer.Attribute("patch", Patch);
    }

    public static PatchGather Read(OpReader reader) =>
        new(reader.Int("channels", 1, RuntimeLimits.MaxWidth), reader.Int("height", 1, RuntimeLimits.MaxWidth),
        reader.Int("width", 1, RuntimeLimits.MaxWidth), reader.Int("patch", 1, MaxPatch));
}

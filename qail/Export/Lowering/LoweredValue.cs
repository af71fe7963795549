namespace Qail.Exporting;

/// <summary>
/// A lowered module's output: the graph slot that holds it and its shape, <see cref="Rows"/> rows of
/// <see cref="Width"/> values (a state vector is one row, a token sequence one row per token), and for a feature map
/// its <see cref="Map"/> (a channels-last map's rows are its pixels).
/// </summary>
internal readonly record struct LoweredValue(int Slot, int Rows, int Width, FeatureMap? Map = null)
{
    /// <summary>A feature map held in <paramref name="slot"/>.</summary>
    public static LoweredValue Of(int slot, FeatureMap map) => map.ChannelsLast
        ? new(slot, map.Height * map.Width, map.Channels, map)
        : new(slot, 1, map.Channels * map.Height * map.Width, map);

    /// <summary>Values the slot holds.</summary>
    public int Size => Rows * Width;
}

/// <summary>Channels, height and width of a feature map: CHW (the image) or HWC (a convolution's output).</summary>
internal readonly record struct FeatureMap(int Channels, int Height, int Width, bool ChannelsLast);

/// <summary>
/// What attention masks, set by the family that builds the sequence: the slot of the instruction's token ids,
/// and how many tokens precede the words (the words' padding ids hide their keys).
/// </summary>
internal readonly record struct KeyMask(int Ids, int Prefix, int Words);

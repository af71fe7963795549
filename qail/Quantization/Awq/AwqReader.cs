using Qail.Nn;

namespace Qail.Quantization;

/// <summary>
/// A weight layer reading a group's channels: channel c is its input columns Offset + c*Repeat .. + Repeat - 1
/// (Repeat &gt; 1 where a Linear reads flattened [C, H, W] features, so one scale covers a channel's positions).
/// </summary>
internal sealed record AwqReader(string Path, WeightedLayer Layer, int Offset = 0, int Repeat = 1)
{
    /// <summary>Input columns: a Linear's input features, a convolution's input channels.</summary>
    public int Columns => Layer switch
    {
        Linear linear => linear.InFeatures,
        Conv2d conv => conv.InChannels,
        _ => throw new ArgumentException($"AwqReader {Path}: {Layer.GetType().Name} has no input channels to rescale."),
    };

    /// <summary>
    /// Axis of the input holding the columns: last for a Linear (rows flattened to [N, K]), 1 for a convolution.
    /// </summary>
    public int InputAxis => Layer is Conv2d ? 1 : -1;
}

using Qail.Engine;
using Qail.Nn;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// A convolution (batch norm already folded into it) as patches + a weight layer over the output pixels: a patch
/// embedding (stride = kernel, no padding) of a CHW image cuts it into patches, any other takes im2col patches of a
/// CHW or HWC map. Either way the output is an HWC map, one row per output pixel, the order the weight layer writes.
/// </summary>
internal static class ConvolutionLowering
{
    public static LoweredValue Lower(LoweringContext context, Conv2d conv, string path, LoweredValue x)
    {
        var map = x.Map ?? throw new ArgumentException($"Export: convolution '{path}' reads [{x.Rows}, {x.Width}] " +
            $"rows, not a feature map.");
        var o = conv.Options;
        if (o.Groups != 1 || o.DilationH != 1 || o.DilationW != 1 || o.StrideH != o.StrideW || o.PaddingH != o.PaddingW)
            throw new ArgumentException($"Export: convolution '{path}' has options {o}; the runtime takes " +
                $"ungrouped, undilated convolutions with equal strides and paddings.");
        if (conv.InChannels != map.Channels)
            throw new ArgumentException($"Export: convolution '{path}' takes {conv.InChannels} channels, the map " +
                $"before it has {map.Channels}.");
        int kernel = conv.KernelSize;
        // [out, in, kh, kw] flattens to [out, in * kh * kw], the column order of both patch ops on a CHW map.
        var weight = LoweringContext.Floats(conv.Weight.Value);
        var bias = conv.Bias is { } b ? LoweringContext.Floats(b.Value) : null;
        var graph = context.Graph;
        int columns, rows, outH, outW;
        if (!map.ChannelsLast && o == Conv2dOptions.Uniform(kernel, 0, 1, 1))
        {
            var gather = new PatchGather(map.Channels, map.Height, map.Width, kernel);
            graph.Add(gather, x.Slot);
            (columns, rows, outH, outW) = (gather.Columns, gather.Rows, map.Height / kernel, map.Width / kernel);
        }
        else
        {
            var patches = new Im2col(map.Channels, map.Height, map.Width, kernel, o.StrideH, o.PaddingH,
                map.ChannelsLast);
            graph.Add(patches, x.Slot);
            (columns, rows, outH, outW) = (patches.Columns, patches.Rows, patches.OutputHeight, patches.OutputWidth);
        }
        graph.Then(LayerExport.Matrix(path, conv, weight, bias, conv.OutChannels, columns, rows));
        return LoweredValue.Of(graph.Last, new FeatureMap(conv.OutChannels, outH, outW, ChannelsLast: true));
    }
}

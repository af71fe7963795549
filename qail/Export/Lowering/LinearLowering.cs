using Qail.Nn;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// A linear layer (full precision or fake-quantized: <see cref="LayerExport"/> picks the kernel from its quantizers)
/// over each row of its input, or over a flattened feature map.
/// </summary>
internal static class LinearLowering
{
    /// <summary>The layer applied to every row of <paramref name="x"/>.</summary>
    public static LoweredValue Lower(LoweringContext context, Linear linear, string path, LoweredValue x)
    {
        if (x.Map is not null)
            throw new ArgumentException($"Export: layer '{path}' reads a feature map; the family must flatten it " +
                $"first.");
        if (linear.InFeatures != x.Width)
            throw new ArgumentException($"Export: layer '{path}' takes {linear.InFeatures} inputs per row, the " +
                $"value before it has {x.Width}.");
        int slot = context.Graph.Add(LayerExport.Linear(path, linear, x.Rows), x.Slot);
        return new LoweredValue(slot, x.Rows, linear.OutFeatures);
    }

    /// <summary>
    /// The layer over a map flattened channel-major (column c * HW + p, as a reshape of the NCHW map reads it).
    /// Per-row weight scales let the columns be permuted to an HWC map's order (p * C + c) for free; weight groups
    /// along the columns cannot be, so those maps are transposed first.
    /// </summary>
    public static LoweredValue Flattened(LoweringContext context, Linear linear, string path, LoweredValue x)
    {
        var map = x.Map ?? throw new ArgumentException($"Export: layer '{path}' flattens a feature map, got " +
            $"[{x.Rows}, {x.Width}] rows.");
        var graph = context.Graph;
        int channels = map.Channels, plane = map.Height * map.Width, inputs = channels * plane;
        if (linear.InFeatures != inputs)
            throw new ArgumentException($"Export: layer '{path}' takes {linear.InFeatures} inputs, the map before " +
                $"it holds {inputs}.");
        var weight = LoweringContext.Floats(linear.Weight.Value);
        var bias = linear.Bias is { } b ? LoweringContext.Floats(b.Value) : null;
        int outputs = linear.OutFeatures;
        RuntimeOp Layer(float[] w) => LayerExport.Matrix(path, linear, w, bias, outputs, inputs, 1);
        int slot;
        if (!map.ChannelsLast) slot = graph.Add(Layer(weight), x.Slot);
        else if (linear.WeightTransform is FakeQuantize { Spec.Granularity: QuantGranularity.PerGroup })
        {
            graph.Add(new ChannelsFirst(plane, channels), x.Slot);
            slot = graph.Then(Layer(weight));
        }
        else
        {
            var permuted = new float[weight.Length];
            for (int n = 0; n < outputs; n++)
                for (int c = 0; c < channels; c++)
                    for (int p = 0; p < plane; p++)
                        permuted[n * inputs + p * channels + c] = weight[n * inputs + c * plane + p];
            slot = graph.Add(Layer(permuted), x.Slot);
        }
        return new LoweredValue(slot, 1, outputs);
    }
}

using Qail.Engine;
using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// The CILRS family's graph, as <see cref="CilrsPolicy.Predict"/> and ToAction with batch norms folded: each convolution
/// as im2col + a weight layer over the output pixels (maps kept HWC), residual adds, the flatten folded into the
/// `features` layer's column order, the speed embedding, every command head, the commanded head's output, tanh/sigmoid
/// and the bound clamp. The speed-prediction head is training-only and not exported.
/// </summary>
internal static class CilrsExport
{
    public static PolicyGraph Graph(CilrsPolicy cilrs)
    {
        if (BatchNormFolding.UnfoldedPath(cilrs) is string unfolded)
            throw new ArgumentException($"Export: CILRS layer '{unfolded}' is an unfolded batch norm, which has no runtime op; export a network prepared by Quantizer.Prepare or folded by BatchNormFolding.Fold.", nameof(cilrs));
        var spec = cilrs.Spec;
        var image = spec.Image!;
        var graph = new PolicyGraph();
        int pixels = graph.Input(GraphInput.Image(image.Channels, image.Height, image.Width));
        int speed = graph.Input(GraphInput.State(spec.StateSize));
        int command = graph.Input(GraphInput.Command(spec.CommandCount));

        var map = new FeatureMap(pixels, image.Channels, image.Height, image.Width, ChannelsLast: false);
        var encoder = (Sequential)cilrs.FindModule("encoder");
        for (int i = 0; i < encoder.Count; i++)
            map = encoder[i] switch
            {
                Sequential stem => Chain(graph, stem, $"encoder.{i}", map),
                FoldedBasicBlock block => Block(graph, block, $"encoder.{i}", map),
                var other => throw Unsupported($"encoder.{i}", other),
            };

        var buffers = cilrs.NamedBuffers().Where(b => !b.Key.Contains('.')).ToDictionary(b => b.Key, b => Floats(b.Value));
        int features = Features(graph, (Linear)cilrs.FindModule("features"), map);
        features = graph.Add(new Relu(graph.SlotSize(features)), features);
        graph.Add(new Normalize(buffers["speed_mean"], buffers["speed_std"]), speed);
        graph.Then(LayerExport.Linear("speed_in", (Linear)cilrs.FindModule("speed_in")));
        graph.Then(new Relu(graph.SlotSize(graph.Last)));
        int joined = graph.Add(new Concat([graph.SlotSize(features), graph.SlotSize(graph.Last)]), features, graph.Last);

        var heads = (Sequential)cilrs.FindModule("heads");
        var outputs = new int[heads.Count + 1];
        for (int k = 0; k < heads.Count; k++)
        {
            var head = (Sequential)heads[k];
            outputs[k] = Head(graph, head, $"heads.{k}", joined);
        }
        outputs[^1] = command;
        graph.Add(new CommandSelect(heads.Count, spec.Action.Size), outputs);
        graph.Then(new CilrsAction((float[])spec.Action.Low.Clone(), (float[])spec.Action.High.Clone()));
        return graph;
    }

    // Channels, height and width of a feature map held in a graph slot, CHW (the image) or HWC (a weight layer's output).
    private readonly record struct FeatureMap(int Slot, int Channels, int Height, int Width, bool ChannelsLast);

    private static FeatureMap Chain(PolicyGraph graph, Sequential chain, string path, FeatureMap map)
    {
        for (int j = 0; j < chain.Count; j++)
            map = chain[j] switch
            {
                Conv2d conv => Convolution(graph, conv, $"{path}.{j}", map),
                ReLU => map with { Slot = graph.Add(new Relu(graph.SlotSize(map.Slot)), map.Slot) },
                var other => throw Unsupported($"{path}.{j}", other),
            };
        return map;
    }

    private static FeatureMap Block(PolicyGraph graph, FoldedBasicBlock block, string path, FeatureMap input)
    {
        var h = Convolution(graph, block.Conv1, $"{path}.conv1", input);
        h = h with { Slot = graph.Add(new Relu(graph.SlotSize(h.Slot)), h.Slot) };
        h = Convolution(graph, block.Conv2, $"{path}.conv2", h);
        var shortcut = block.Shortcut is Conv2d projection ? Convolution(graph, projection, $"{path}.shortcut.0", input) : input;
        if (shortcut.Channels != h.Channels || shortcut.Height != h.Height || shortcut.Width != h.Width || shortcut.ChannelsLast != h.ChannelsLast)
            throw new ArgumentException($"Export: block '{path}' adds a [{h.Channels}, {h.Height}, {h.Width}] branch to a [{shortcut.Channels}, {shortcut.Height}, {shortcut.Width}] shortcut in another layout.");
        graph.Add(new ResidualAdd(graph.SlotSize(h.Slot)), h.Slot, shortcut.Slot);
        return h with { Slot = graph.Then(new Relu(graph.SlotSize(graph.Last))) };
    }

    private static FeatureMap Convolution(PolicyGraph graph, Conv2d conv, string path, FeatureMap map)
    {
        var o = conv.Options;
        if (o.Groups != 1 || o.DilationH != 1 || o.DilationW != 1 || o.StrideH != o.StrideW || o.PaddingH != o.PaddingW)
            throw new ArgumentException($"Export: convolution '{path}' has options {o}; the runtime takes ungrouped, undilated convolutions with equal strides and paddings.");
        if (conv.InChannels != map.Channels)
            throw new ArgumentException($"Export: convolution '{path}' takes {conv.InChannels} channels, the map before it has {map.Channels}.");
        var patches = new Im2col(map.Channels, map.Height, map.Width, conv.KernelSize, o.StrideH, o.PaddingH, map.ChannelsLast);
        graph.Add(patches, map.Slot);
        int columns = patches.Columns;
        var weight = Floats(conv.Weight.Value); // [out, in, kh, kw] flattens to [out, in * kh * kw], the patch column order
        var bias = conv.Bias is Autograd.Variable b ? Floats(b.Value) : null;
        graph.Then(LayerExport.Matrix(path, conv, weight, bias, conv.OutChannels, columns, patches.Rows));
        return new FeatureMap(graph.Last, conv.OutChannels, patches.OutputHeight, patches.OutputWidth, ChannelsLast: true);
    }

    // The flatten reads the NCHW map (column c * HW + p of `features`). Per-row weight scales let the columns be permuted
    // to the HWC map's order (p * C + c) for free; weight groups along the columns cannot be, so those maps are transposed.
    private static int Features(PolicyGraph graph, Linear features, FeatureMap map)
    {
        int channels = map.Channels, plane = map.Height * map.Width, inputs = channels * plane;
        if (features.InFeatures != inputs)
            throw new ArgumentException($"Export: layer 'features' takes {features.InFeatures} inputs, the encoder's map holds {inputs}.");
        var weight = Floats(features.Weight.Value);
        var bias = features.Bias is Autograd.Variable b ? Floats(b.Value) : null;
        int outputs = features.OutFeatures;
        if (!map.ChannelsLast) return graph.Add(LayerExport.Matrix("features", features, weight, bias, outputs, inputs, 1), map.Slot);
        if (features.WeightTransform is FakeQuantize { Spec.Granularity: QuantGranularity.PerGroup })
        {
            graph.Add(new ChannelsFirst(plane, channels), map.Slot);
            return graph.Then(LayerExport.Matrix("features", features, weight, bias, outputs, inputs, 1));
        }
        var permuted = new float[weight.Length];
        for (int n = 0; n < outputs; n++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    permuted[n * inputs + p * channels + c] = weight[n * inputs + c * plane + p];
        return graph.Add(LayerExport.Matrix("features", features, permuted, bias, outputs, inputs, 1), map.Slot);
    }

    private static int Head(PolicyGraph graph, Sequential head, string path, int input)
    {
        int slot = input;
        for (int j = 0; j < head.Count; j++)
            slot = head[j] switch
            {
                Linear linear => graph.Add(LayerExport.Linear($"{path}.{j}", linear), slot),
                ReLU => graph.Add(new Relu(graph.SlotSize(slot)), slot),
                var other => throw Unsupported($"{path}.{j}", other),
            };
        return slot;
    }

    private static float[] Floats(Tensor tensor) => tensor.Cast(DType.Float32).Contiguous().ToArray<float>();

    private static ArgumentException Unsupported(string path, Module module) =>
        new($"Export: CILRS layer '{path}' is a {module.GetType().Name}, which has no runtime op.");
}

namespace Qail.Runtime;

/// <summary>
/// How a graph runs on the CPU, decided once when the policy loads: the steps in order and the value buffers they
/// use. An im2col read only by the W8A8 (or narrower) layer after it runs with that layer as one
/// <see cref="QuantizedConvolution"/>, absorbing the ReLU after the layer when nothing else reads the layer's output,
/// and a first convolution over the image reads its 8-bit pixels. Any other quantized layer absorbs the ReLU after
/// it the same way, and when its result is read only by another quantized layer its epilogue writes that layer's
/// 8-bit input codes directly (<see cref="Int8Linear.WriteCodes"/>): activations stay integer from layer to layer.
/// The values those steps no longer write get no buffer. Every other op runs as declared. The plan's output equals
/// the ops run one by one (<see cref="DeployedPolicy.Trace"/>) bit for bit.
/// </summary>
internal sealed class ExecutionPlan
{
    private readonly Step[] _steps;

    /// <summary>
    /// Plans <paramref name="graph"/>; the buffers only the plan allocates (the integer convolutions' NHWC maps,
    /// codes, sums and packed weights) are charged to <paramref name="memory"/> first when the graph came from a file.
    /// </summary>
    public ExecutionPlan(PolicyGraph graph, WorkingMemory? memory = null)
    {
        int first = graph.Inputs.Count, count = graph.Nodes.Count;
        var readers = new int[graph.Last + 1];
        foreach (var node in graph.Nodes)
            foreach (int source in node.Sources) readers[source]++;
        bool SoleReader(int node, int slot) => graph.Nodes[node].Sources is [var s] && s == slot && readers[slot] == 1;

        // The integer convolution of the im2col at node i and the layer after it, built (and charged) once.
        var convolutions = new Dictionary<int, (QuantizedConvolution, bool)>();
        (QuantizedConvolution Convolution, bool FromPixels)? ConvolutionAt(int i)
        {
            if (convolutions.TryGetValue(i, out var built)) return built;
            if (graph.Nodes[i].Op is not Im2col patches || i + 1 >= count
                || graph.Nodes[i + 1].Op is not Int8Linear layer || !SoleReader(i + 1, first + i)
                || !QuantizedConvolution.Fits(patches, layer))
                return null;
            bool relu = i + 2 < count && graph.Nodes[i + 2].Op is Relu && SoleReader(i + 2, first + i + 1);
            int source = graph.Nodes[i].Sources[0];
            bool fromPixels = ReadsPixels(graph, source, patches) && readers[source] == 1;
            memory?.Reserve(QuantizedConvolution.WorkingBytes(patches, layer, fromPixels),
                $"ops.{i}-{i + 1} integer convolution (NHWC map, codes, sums, packed weights)");
            return convolutions[i] = (new QuantizedConvolution(patches, layer, relu), fromPixels);
        }

        var written = new bool[graph.Last + 1];
        for (int i = 0; i < first; i++) written[i] = true;
        // The add at node j of the value at slot output (read by nothing else) and a shortcut written earlier as
        // floats, with the ReLU after it when nothing else reads the sum: the node that then holds the block's output.
        (int Skip, bool Relu, int Last)? ResidualAt(int j, int output)
        {
            if (j >= count || graph.Nodes[j].Op is not ResidualAdd || readers[output] != 1) return null;
            var sources = graph.Nodes[j].Sources;
            int skip = sources[0] == output ? sources[1] : sources[1] == output ? sources[0] : -1;
            if (skip < 0 || skip == output || !written[skip]) return null;
            bool relu = j + 1 < count && graph.Nodes[j + 1].Op is Relu && SoleReader(j + 1, first + j);
            return (skip, relu, relu ? j + 1 : j);
        }

        var steps = new List<Step>();
        int codesWritten = -1; // the node whose input codes the previous step wrote
        for (int i = 0; i < count; i++)
        {
            var op = graph.Nodes[i].Op;
            if (ConvolutionAt(i) is ({ } convolution, var fromPixels))
            {
                int last = i + (convolution.ReluFused ? 2 : 1), output = first + last;
                int source = graph.Nodes[i].Sources[0];
                // A residual add right after it, of its output and a shortcut already written as floats, joins its
                // epilogue, with the block's ReLU after the add.
                var residual = convolution.ReluFused ? null : ResidualAt(last + 1, output);
                if (residual is { } block) (last, output) = (block.Last, first + block.Last);
                // The convolution right after reads its 8-bit input codes from this epilogue; other readers of the
                // output (a block's shortcut) still read its floats.
                bool nextReads = last + 1 < count && graph.Nodes[last + 1].Sources is [var read] && read == output;
                var next = nextReads && (residual is not null || readers[output] == 1)
                    && ConvolutionAt(last + 1) is ({ } following, _) && convolution.Feeds(following) ? following : null;
                bool floats = next is null || readers[output] > 1;
                bool fromCodes = codesWritten == i;
                string fused = $"{graph.Nodes[i].Op.Describe()}{(convolution.ReluFused ? ", ReLU fused" : "")}"
                    + (fromPixels ? ", from the pixels" : "")
                    + (fromCodes ? ", from the 8-bit codes of the one before" : "")
                    + (residual is { Relu: var blockRelu }
                        ? $", residual add{(blockRelu ? " and ReLU" : "")} fused" : "")
                    + (next is null ? "" : ", epilogue straight to the next convolution's 8-bit codes")
                    + (next is not null && floats ? " and the floats its other readers take" : "");
                string description =
                    $"{graph.Nodes[i + 1].Op.Describe()} as one integer convolution over NHWC codes ({fused})";
                if (fromPixels)
                {
                    (PixelInput, Pixels) = (source, new byte[graph.SlotSize(source)]);
                    written[source] = false;
                }
                steps.Add(new ConvolutionStep(convolution, fromCodes ? -1 : source, fromPixels ? Pixels : null, next,
                    residual is { } r ? (r.Skip, r.Relu) : null, floats ? output : -1, description));
                if (floats) written[output] = true;
                if (next is not null) codesWritten = last + 1;
                i = last;
                continue;
            }
            if (op is Int8Linear linear)
            {
                // The ReLU after the layer joins its epilogue; a quantized layer reading the result takes its
                // 8-bit codes straight from that epilogue, and the float values in between get no buffer.
                int last = i + 1 < count && graph.Nodes[i + 1].Op is Relu && SoleReader(i + 1, first + i) ? i + 1 : i;
                var next = last + 1 < count && graph.Nodes[last + 1].Op is Int8Linear following
                    && SoleReader(last + 1, first + last) && linear.Feeds(following) ? following : null;
                int input = codesWritten == i ? -1 : graph.Nodes[i].Sources[0];
                steps.Add(new LinearStep(linear, input, last > i, next, first + last));
                if (next is null) written[first + last] = true;
                else codesWritten = last + 1;
                i = last;
                continue;
            }
            steps.Add(new NodeStep(op, graph.Nodes[i].Sources, first + i));
            written[first + i] = true;
        }
        _steps = [.. steps];
        Slots = new float[graph.Last + 1][];
        for (int slot = 0; slot < Slots.Length; slot++)
            Slots[slot] = written[slot] ? new float[graph.SlotSize(slot)] : [];
    }

    /// <summary>The value buffers: graph inputs, then node outputs (empty where the plan writes none).</summary>
    public float[][] Slots { get; }

    /// <summary>
    /// The image input whose first convolution reads the 8-bit pixels themselves (quantized by a 256-entry table
    /// instead of converted to floats, then quantized and transposed), or -1; its slot then has no buffer.
    /// </summary>
    public int PixelInput { get; } = -1;

    /// <summary>That input's pixels (HWC bytes), filled for each action.</summary>
    public byte[] Pixels { get; } = [];

    // The convolution reads the image input itself, a CHW map of the same shape.
    private static bool ReadsPixels(PolicyGraph graph, int source, Im2col patches) =>
        source < graph.Inputs.Count && graph.Inputs[source] is { Kind: GraphInputKind.Image } image
            && !patches.ChannelsLast
        && image.Shape[0] == patches.Channels && image.Shape[1] == patches.Height && image.Shape[2] == patches.Width;

    /// <summary>Runs every step on <see cref="Slots"/> (the inputs filled); allocates nothing.</summary>
    public void Run()
    {
        foreach (var step in _steps) step.Run(Slots);
    }

    public IReadOnlyList<string> Describe() => _steps.Select(s => s.Describe()).ToList();

    private abstract class Step
    {
        public abstract void Run(float[][] slots);

        public abstract string Describe();
    }

    private sealed class NodeStep(RuntimeOp op, int[] sources, int output) : Step
    {
        public override void Run(float[][] slots) => op.Run(new OpInputs(slots, sources), slots[output]);

        public override string Describe() => op.Describe();
    }

    // A quantized layer from its float input (or from the codes the layer before wrote, input -1) to its float
    // output or, with a next layer, to that layer's codes; a ReLU after it fused into the epilogue.
    private sealed class LinearStep(Int8Linear layer, int input, bool relu, Int8Linear? next, int output) : Step
    {
        public override void Run(float[][] slots)
        {
            if (input >= 0 && next is null)
            {
                layer.Run(slots[input], relu, slots[output]);
                return;
            }
            if (input >= 0) layer.Quantize(slots[input]);
            layer.Multiply();
            if (next is null) layer.WriteFloats(relu, slots[output]);
            else layer.WriteCodes(relu, next);
        }

        public override string Describe() =>
            layer.Describe() + (input < 0 ? ", from the 8-bit codes of the layer before" : "")
            + (relu ? ", ReLU fused" : "")
            + (next is null ? "" : ", epilogue straight to the next layer's 8-bit codes");
    }

    // An integer convolution from its float input, the image's pixels, or the codes the one before wrote (input -1),
    // to its float output (unless output is -1) and/or the next convolution's codes; with a residual, the shortcut's
    // floats added (and the block's ReLU) in the same epilogue.
    private sealed class ConvolutionStep(QuantizedConvolution convolution, int input, byte[]? pixels,
        QuantizedConvolution? next, (int Skip, bool Relu)? residual, int output, string description) : Step
    {
        public override void Run(float[][] slots)
        {
            if (pixels is not null) convolution.ConvolvePixels(pixels);
            else
            {
                if (input >= 0) convolution.Quantize(slots[input]);
                convolution.Convolve();
            }
            if (residual is { } block)
                convolution.WriteResidual(slots[block.Skip], block.Relu, next, output < 0 ? [] : slots[output]);
            else if (next is null) convolution.WriteFloats(slots[output]);
            else convolution.WriteCodes(next);
        }

        public override string Describe() => description;
    }
}

using Qail.Deployment;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// The VLA family's graph, as VlaPolicy.Predict and ToAction at batch 1: image patches -> patch embedding, normalised
/// state -> state embedding, token sequence (with action queries, words and positions), pre-norm transformer blocks
/// (attention masking padding words; the last block computes the action-query rows only, the rows read afterwards),
/// final norm of the action-query rows, action head, bin decoding. The sequence
/// keeps every instruction word: training drops only trailing words that are padding, which are masked keys, and each
/// row's value depends only on the keys it attends to, so the kept rows equal the training forward's.
/// </summary>
internal static class VlaExport
{
    public static PolicyGraph Graph(VlaPolicy vla)
    {
        var spec = vla.Spec;
        var image = spec.Image!;
        var instruction = spec.Instruction!;
        var conv = Module<Conv2d>(vla, "patch_embed");
        int p = conv.KernelSize, d = vla.ModelDim, actions = spec.Action.Size, words = instruction.Length;
        if (conv.Options != Conv2dOptions.Uniform(p, 0, 1, 1))
            throw new ArgumentException($"Export: layer 'patch_embed' is not a patch embedding (stride = kernel {p}, no padding, dilation or groups): {conv.Options}.", nameof(vla));
        var graph = new PolicyGraph();
        int pixels = graph.Input(EnvInputs.For(GraphInputKind.Image, spec));
        int state = graph.Input(EnvInputs.For(GraphInputKind.State, spec));
        int ids = graph.Input(EnvInputs.For(GraphInputKind.Instruction, spec));

        var gather = new PatchGather(image.Channels, image.Height, image.Width, p);
        int patchRows = graph.Add(gather, pixels);
        int patches = graph.Add(LayerExport.Matrix("patch_embed", conv, Floats(conv.Weight.Value), Bias(conv), d, gather.Columns, gather.Rows), patchRows);
        var buffers = vla.NamedBuffers().Where(b => !b.Key.Contains('.')).ToDictionary(b => b.Key, b => Floats(b.Value));
        graph.Add(new Normalize(buffers["state_mean"], buffers["state_std"]), state);
        int stateToken = graph.Then(LayerExport.Linear("state_embed", Module<Linear>(vla, "state_embed")));
        var positions = Module<LearnedPositionalEmbedding>(vla, "positions");
        int prefix = gather.Rows + 1 + actions, tokens = prefix + words;
        if (positions.MaxLength < tokens)
            throw new ArgumentException($"Export: 'positions' holds {positions.MaxLength} positions for a sequence of {tokens} tokens.", nameof(vla));
        var positionRows = Floats(Parameter(positions, "weight")!.Slice(0, 0, tokens));
        var sequence = new TokenSequence(gather.Rows, words, Table("action_queries", Module<Embedding>(vla, "action_queries")),
            Table("word_embed", Module<Embedding>(vla, "word_embed")), positionRows);
        if (sequence.Queries != actions || sequence.Dim != d)
            throw new ArgumentException($"Export: 'action_queries' holds {sequence.Queries} rows of width {sequence.Dim}; the policy has {actions} actions of width {d}.", nameof(vla));
        int x = graph.Add(sequence, patches, stateToken, ids);

        var blocks = Module<Sequential>(vla, "blocks").Children().ToList();
        if (blocks.Count == 0) throw new ArgumentException("Export: the VLA has no transformer blocks.", nameof(vla));
        var readout = (Start: gather.Rows + 1, Count: actions);
        for (int i = 0; i < blocks.Count; i++)
        {
            var (name, child) = blocks[i];
            if (child is not TransformerBlock) throw new ArgumentException($"Export: 'blocks.{name}' is a {child.GetType().Name}, not a TransformerBlock.", nameof(vla));
            x = Block(graph, vla, $"blocks.{name}", x, ids, prefix, words, d, i == blocks.Count - 1 ? readout : null);
        }
        // The last block wrote the action-query rows only.
        graph.Add(Norm(Module<LayerNorm>(vla, "norm"), actions), x);
        var head = Module<Linear>(vla, "action_head");
        if (head.OutFeatures != spec.Action.Bins)
            throw new ArgumentException($"Export: 'action_head' writes {head.OutFeatures} logits per action; the action space has {spec.Action.Bins} bins.", nameof(vla));
        graph.Then(LayerExport.Linear("action_head", head, actions));
        graph.Then(new BinAction((float[])spec.Action.Low.Clone(), (float[])spec.Action.High.Clone(), spec.Action.Bins, vla.Decoding == ActionDecoding.Expectation));
        return graph;
    }

    // x + Attention(LN1(x)), then x + MLP(LN2(x)); dropout is the identity at inference. With rows given (the last
    // block), only those tokens' outputs are read afterwards: every token still gives keys and values, but queries,
    // the output projection, the residuals and the MLP run on those rows alone (each of them is row-wise).
    private static int Block(PolicyGraph graph, VlaPolicy vla, string path, int x, int ids, int prefix, int words, int d, (int Start, int Count)? rows)
    {
        int tokens = prefix + words, kept = rows?.Count ?? tokens;
        var attention = Module<MultiHeadAttention>(vla, $"{path}.attention");
        if (attention.IsCausal || attention.ModelDim != d)
            throw new ArgumentException($"Export: '{path}.attention' is {(attention.IsCausal ? "causal" : "")} of width {attention.ModelDim}; the VLA graph takes bidirectional attention of width {d}.");
        int Keep(int source) => rows is var (start, count) ? graph.Add(new RowSlice(tokens, d, start, count), source) : source;
        int Project(string name, int source, int count) =>
            graph.Add(LayerExport.Linear($"{path}.attention.{name}", Module<Linear>(vla, $"{path}.attention.{name}"), count), source);
        int normed = graph.Add(Norm(Module<LayerNorm>(vla, $"{path}.norm1"), tokens), x);
        int q = Project("query", Keep(normed), kept), k = Project("key", normed, tokens), v = Project("value", normed, tokens);
        int context = graph.Add(new MaskedAttention(prefix, words, d, attention.Heads, kept), q, k, v, ids);
        int attended = Project("output", context, kept);
        x = graph.Add(new ResidualAdd(kept * d), Keep(x), attended);
        graph.Add(Norm(Module<LayerNorm>(vla, $"{path}.norm2"), kept), x);
        var mlp = Module<Sequential>(vla, $"{path}.mlp");
        if (mlp.Count != 3 || mlp[0] is not Linear up || mlp[1] is not GELU || mlp[2] is not Linear down)
            throw new ArgumentException($"Export: '{path}.mlp' is not Linear, GELU, Linear.");
        graph.Then(LayerExport.Linear($"{path}.mlp.0", up, kept));
        graph.Then(new GeluTanh(kept * up.OutFeatures));
        int mlpOut = graph.Then(LayerExport.Linear($"{path}.mlp.2", down, kept));
        return graph.Add(new ResidualAdd(kept * d), x, mlpOut);
    }

    private static LayerNormRows Norm(LayerNorm norm, int rows)
    {
        if (norm.NormalizedShape.Count != 1) throw new ArgumentException($"Export: a layer norm over {norm.NormalizedShape.Count} dims has no row-wise runtime op.");
        int n = norm.NormalizedShape[0];
        // Without an affine part the engine skips the scale and shift; x * 1 + 0 is the same value.
        var weight = Parameter(norm, "weight") is { } w ? Floats(w) : Enumerable.Repeat(1f, n).ToArray();
        var bias = Parameter(norm, "bias") is { } b ? Floats(b) : new float[n];
        return new LayerNormRows(rows, weight, bias, norm.Eps);
    }

    // An embedding's rows as the fake-quant model reads them: codes with the quantizer's own scales, or fp32.
    private static EmbeddingTable Table(string path, Embedding layer)
    {
        var weight = Floats(layer.Weight.Value);
        return LayerExport.WeightCodes(path, layer, weight, layer.Count, layer.Dim) is { } codes
            ? new EmbeddingTable(codes)
            : new EmbeddingTable(weight, layer.Count, layer.Dim, $"Export: layer '{path}'");
    }

    private static T Module<T>(VlaPolicy vla, string path) where T : Module =>
        vla.FindModule(path) as T ?? throw new ArgumentException($"Export: the VLA's '{path}' is not a {typeof(T).Name}; the VLA graph does not know this structure.", nameof(vla));

    private static Tensor? Parameter(Module module, string name) =>
        module.NamedParameters().Where(p => p.Key == name).Select(p => p.Value.Value).FirstOrDefault();

    private static float[]? Bias(WeightedLayer layer) => layer.Bias is { } bias ? Floats(bias.Value) : null;

    private static float[] Floats(Tensor tensor) => tensor.Cast(DType.Float32).Contiguous().ToArray<float>();
}

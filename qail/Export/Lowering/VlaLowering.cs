using Qail.Deployment;
using Qail.Nn;
using Qail.Policies;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// The VLA family, as VlaPolicy.Predict and ToAction at batch 1: image patches -> patch embedding, normalised
/// state -> state embedding, token sequence (with action queries, words and positions), pre-norm transformer blocks
/// (attention masking padding words; the last block computes the action-query rows only, the rows read afterwards),
/// final norm of the action-query rows, action head, bin decoding. The sequence keeps every instruction word:
/// training drops only trailing words that are padding, which are masked keys, and each row's value depends only on
/// the keys it attends to, so the kept rows equal the training forward's.
/// </summary>
internal static class VlaLowering
{
    public static void Lower(LoweringContext context, VlaPolicy vla)
    {
        var spec = vla.Spec;
        var image = spec.Image!;
        int d = vla.ModelDim, actions = spec.Action.Size, words = spec.Instruction!.Length;
        var graph = context.Graph;
        int pixels = graph.Input(EnvInputs.For(GraphInputKind.Image, spec));
        int state = graph.Input(EnvInputs.For(GraphInputKind.State, spec));
        int ids = graph.Input(EnvInputs.For(GraphInputKind.Instruction, spec));

        var map = LoweredValue.Of(pixels,
            new FeatureMap(image.Channels, image.Height, image.Width, ChannelsLast: false));
        var patches = context.Lower(Module<Conv2d>(vla, "patch_embed"), "patch_embed", map);
        var buffers = LoweringContext.Buffers(vla);
        var stateToken = context.Apply(new Normalize(buffers["state_mean"], buffers["state_std"]),
            new LoweredValue(state, 1, spec.StateSize));
        stateToken = context.Lower(Module<Linear>(vla, "state_embed"), "state_embed", stateToken);
        var positions = Module<LearnedPositionalEmbedding>(vla, "positions");
        int prefix = patches.Rows + 1 + actions, tokens = prefix + words;
        if (positions.MaxLength < tokens)
            throw new ArgumentException($"Export: 'positions' holds {positions.MaxLength} positions for a sequence " +
                $"of {tokens} tokens.", nameof(vla));
        var positionRows = LoweringContext.Floats(LoweringContext.Parameter(positions, "weight")!.Slice(0, 0, tokens));
        var sequence = new TokenSequence(patches.Rows, words,
            EmbeddingLowering.Table(Module<Embedding>(vla, "action_queries"), "action_queries"),
            EmbeddingLowering.Table(Module<Embedding>(vla, "word_embed"), "word_embed"), positionRows);
        if (sequence.Queries != actions || sequence.Dim != d || patches.Width != d)
            throw new ArgumentException($"Export: 'action_queries' holds {sequence.Queries} rows of width " +
                $"{sequence.Dim} and 'patch_embed' writes {patches.Width} channels; the policy has {actions} " +
                    $"actions of width {d}.", nameof(vla));
        var x = new LoweredValue(graph.Add(sequence, patches.Slot, stateToken.Slot, ids), tokens, d);
        context.Mask = new KeyMask(ids, prefix, words);

        var blocks = Module<Sequential>(vla, "blocks");
        if (blocks.Count == 0) throw new ArgumentException("Export: the VLA has no transformer blocks.", nameof(vla));
        for (int i = 0; i < blocks.Count; i++)
        {
            var block = Module<TransformerBlock>(vla, $"blocks.{i}");
            (int, int)? readout = i == blocks.Count - 1 ? (patches.Rows + 1, actions) : null;
            x = TransformerBlockLowering.Lower(context, block, $"blocks.{i}", x, readout);
        }
        // The last block wrote the action-query rows only.
        x = context.Lower(Module<LayerNorm>(vla, "norm"), "norm", x);
        var head = Module<Linear>(vla, "action_head");
        if (head.OutFeatures != spec.Action.Bins)
            throw new ArgumentException($"Export: 'action_head' writes {head.OutFeatures} logits per action; the " +
                $"action space has {spec.Action.Bins} bins.", nameof(vla));
        x = context.Lower(head, "action_head", x);
        graph.Add(new BinAction((float[])spec.Action.Low.Clone(), (float[])spec.Action.High.Clone(),
            spec.Action.Bins, vla.Decoding == ActionDecoding.Expectation), x.Slot);
    }

    private static T Module<T>(VlaPolicy vla, string path) where T : Module =>
        LoweringContext.Child<T>(vla, path, path);
}

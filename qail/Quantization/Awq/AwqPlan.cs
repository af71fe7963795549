using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// Where each policy family's weight layers can take input-channel scales: the groups of (producers, readers) and
/// the layers whose input nothing can absorb a scale into, with the reason.
/// </summary>
internal sealed record AwqPlan(IReadOnlyList<AwqScaleGroup> Groups, IReadOnlyList<AwqSkip> Skipped)
{
    private const string RawImage = "reads the raw image: no producer can absorb an input scale";
    private const string Embedding = "embedding lookup: its input is token ids, not channels";

    /// <summary>
    /// The plan for <paramref name="network"/> (groups refer to its modules, which the search then rescales).
    /// </summary>
    public static AwqPlan For(PolicyNetwork network) => network switch
    {
        MlpPolicy mlp => ForMlp(mlp),
        CilrsPolicy cilrs => ForCilrs(cilrs),
        VlaPolicy vla => ForVla(vla),
        _ => new AwqPlan([],
            WeightLayers(network).Select(p => new AwqSkip(p, $"no AWQ plan for {network.GetType().Name}")).ToList()),
    };

    // normalised state -> Linear, ReLU, Linear, ..., Linear: the state_std buffer feeds the first layer, each Linear's
    // rows the next.
    private static AwqPlan ForMlp(MlpPolicy network)
    {
        var builder = new Builder(network);
        var body = (Sequential)network.FindModule("body");
        var children = body.Children().ToList();
        AwqFold? producer = builder.Divisor("state_std");
        for (int i = 0; i < children.Count; i++)
        {
            if (children[i].Value is not Linear linear) continue;
            string path = $"body.{children[i].Key}";
            if (producer is not null) builder.Group([producer], [new AwqReader(path, linear)]);
            else builder.Skip(path, "its input is not a ReLU of the previous Linear");
            producer = i + 2 < children.Count && children[i + 1].Value is ReLU ? AwqFold.Rows(path, linear) : null;
        }
        return builder.Build();
    }

    // Stem conv (raw image) -> BN -> ReLU; each projecting ResNet block's input feeds conv1 and the shortcut conv, its
    // output relu(bn2 + shortcut bn) feeds the next block (or the flattened features Linear); conv2 reads relu(bn1).
    private static AwqPlan ForCilrs(CilrsPolicy network)
    {
        var builder = new Builder(network);
        builder.Skip("encoder.0.0", RawImage);
        IReadOnlyList<AwqFold>? input = [builder.BatchNorm("encoder.0.1", "encoder.0.0")];
        var encoder = (Sequential)network.FindModule("encoder");
        int channels = ((BatchNorm2d)network.FindModule("encoder.0.1")).Channels;
        foreach (var (name, block) in encoder.Children().Skip(1))
        {
            string path = $"encoder.{name}";
            bool projects = block.Children().Any(c => c.Key == "shortcut");
            var readers = new List<AwqReader> { builder.Reader($"{path}.conv1") };
            if (projects) readers.Add(builder.Reader($"{path}.shortcut.0"));
            if (input is not null && projects) builder.Group(input, readers);
            else
                foreach (var r in readers)
                    builder.Skip(r.Path, input is null ? "its input is a residual stream with an identity shortcut"
                        : "its input also feeds an identity shortcut");
            builder.Group([builder.BatchNorm($"{path}.bn1", $"{path}.conv1")], [builder.Reader($"{path}.conv2")]);
            input = projects ? [builder.BatchNorm($"{path}.bn2", $"{path}.conv2"),
                builder.BatchNorm($"{path}.shortcut.1", $"{path}.shortcut.0")] : null;
            channels = ((BatchNorm2d)network.FindModule($"{path}.bn2")).Channels;
        }
        var features = (Linear)network.FindModule("features");
        if (input is not null && features.InFeatures % channels == 0)
            builder.Group(input, [new AwqReader("features", features, Repeat: features.InFeatures / channels)]);
        else builder.Skip("features", "its input is a residual stream with an identity shortcut");

        // joined = concat(relu(features), relu(speed_in)) feeds every command head; relu(features) also feeds the speed
        // head.
        var speedIn = (Linear)network.FindModule("speed_in");
        builder.Skip("speed_in",
            "its input is the normalised speed, whose divisor also defines the speed head's target");
        var heads = ((Sequential)network.FindModule("heads")).Children().Select(h => $"heads.{h.Key}").ToList();
        builder.Group([AwqFold.Rows("features", features)],
            [.. heads.Select(h => builder.Reader($"{h}.0")), builder.Reader("speed_head.0")]);
        builder.Group([AwqFold.Rows("speed_in", speedIn)],
            [.. heads.Select(h => builder.Reader($"{h}.0", features.OutFeatures))]);
        foreach (var head in heads.Append("speed_head"))
            builder.Group([AwqFold.Rows($"{head}.0", (Linear)network.FindModule($"{head}.0"))],
                [builder.Reader($"{head}.2")]);
        return builder.Build();
    }

    // Pre-norm blocks: norm1 feeds query, key and value; the value rows feed the output projection (attention mixes
    // tokens, not channels); norm2 feeds mlp.0; mlp.2 reads GELU, which does not commute with scales.
    private static AwqPlan ForVla(VlaPolicy network)
    {
        var builder = new Builder(network);
        builder.Skip("patch_embed", RawImage);
        builder.Group([builder.Divisor("state_std")], [builder.Reader("state_embed")]);
        builder.Skip("action_queries", Embedding);
        builder.Skip("word_embed", Embedding);
        foreach (var (name, _) in ((Sequential)network.FindModule("blocks")).Children())
        {
            string path = $"blocks.{name}";
            builder.Group([builder.LayerNorm($"{path}.norm1")],
                [builder.Reader($"{path}.attention.query"), builder.Reader($"{path}.attention.key"),
                    builder.Reader($"{path}.attention.value")]);
            builder.Group([AwqFold.Rows($"{path}.attention.value",
                (Linear)network.FindModule($"{path}.attention.value"))],
                [builder.Reader($"{path}.attention.output")]);
            builder.Group([builder.LayerNorm($"{path}.norm2")], [builder.Reader($"{path}.mlp.0")]);
            builder.Skip($"{path}.mlp.2", "its input passes GELU, which does not commute with channel scales");
        }
        builder.Group([builder.LayerNorm("norm")], [builder.Reader("action_head")]);
        return builder.Build();
    }

    private static IEnumerable<string> WeightLayers(Module network) =>
        network.NamedModules().Where(m => m.Value is WeightedLayer).Select(m => m.Key);

    private sealed class Builder(PolicyNetwork network)
    {
        private readonly List<AwqScaleGroup> _groups = [];
        private readonly List<AwqSkip> _skipped = [];

        public AwqReader Reader(string path, int offset = 0) =>
            new(path, (WeightedLayer)network.FindModule(path), offset);

        // A batch norm is folded into the convolution before it ahead of quantization, so that convolution's rows hold
        // 1/s.
        public AwqFold BatchNorm(string path, string convolution)
        {
            var norm = (BatchNorm2d)network.FindModule(path);
            return AwqFold.Affine(path, norm.Weight, norm.Bias, convolution);
        }

        public AwqFold LayerNorm(string path)
        {
            var parameters = network.FindModule(path).NamedParameters().ToDictionary(p => p.Key, p => p.Value);
            if (!parameters.TryGetValue("weight", out var gamma) || !parameters.TryGetValue("bias", out var beta))
                throw new InvalidOperationException(
                    $"AWQ plan: LayerNorm {path} has no elementwise affine to absorb scales.");
            return AwqFold.Affine(path, gamma, beta);
        }

        public AwqFold Divisor(string buffer) =>
            AwqFold.Divisor(buffer, network.NamedBuffers().Single(b => b.Key == buffer).Value);

        public void Group(IReadOnlyList<AwqFold> producers, IReadOnlyList<AwqReader> readers)
        {
            var group = new AwqScaleGroup(producers[0].Channels, producers, readers);
            group.Validate();
            _groups.Add(group);
        }

        public void Skip(string path, string reason) => _skipped.Add(new AwqSkip(path, reason));

        public AwqPlan Build()
        {
            var covered = _groups.SelectMany(g => g.Readers.Select(r => r.Path)).Concat(_skipped.Select(s => s.Path))
                .ToHashSet();
            var missing = WeightLayers(network).Where(p => !covered.Contains(p)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"AWQ plan for {network.GetType().Name} misses weight layers {string.Join(", ", missing)}.");
            return new AwqPlan(_groups, _skipped);
        }
    }
}

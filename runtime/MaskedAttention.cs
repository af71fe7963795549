using Qail.Kernels.Cpu;
using Qail.Runtime.Gpu;

namespace Qail.Runtime;

/// <summary>
/// The core of multi-head self-attention over [T, D] rows: per head, softmax(Q K^T / sqrt(D / heads)) V (for all
/// tokens' queries, or a given [queries, D] subset of them when only those rows are read later), with the
/// keys of padding words (instruction id 0) hidden. The sequence is <c>prefix</c> tokens that are never masked, then
/// one token per instruction word. Hidden keys get weight exactly zero, as the training mask's -1e9 scores do (and
/// add exact zeros to the context); the prefix is never empty, so no query has all its keys hidden. Runs as one fused
/// kernel (<see cref="MaskedAttentionKernel"/>) over the visible keys only: no score matrix, no masking pass.
/// </summary>
internal sealed class MaskedAttention : RuntimeOp
{
    public const string Name = "masked_attention";
    private readonly int[] _visible;
    private readonly float[] _scratch;

    public MaskedAttention(int prefix, int words, int dim, int heads, int queries)
    {
        if (prefix < 1 || words < 1)
            throw new ArgumentException($"MaskedAttention: prefix {prefix} and words {words} must be positive.");
        if (dim < 1 || heads < 1 || dim % heads != 0)
            throw new ArgumentException($"MaskedAttention: dim {dim} is not a positive multiple of heads {heads}.");
        long tokens = (long)prefix + words;
        if (tokens * dim > RuntimeLimits.MaxValues || tokens * tokens > RuntimeLimits.MaxValues)
            throw new ArgumentException($"MaskedAttention: {tokens} tokens of width {dim} (and their {tokens}x{tokens} "
                + $"scores) exceed {RuntimeLimits.MaxValues} values.");
        if (queries < 1 || queries > tokens)
            throw new ArgumentException($"MaskedAttention: {queries} query rows for {tokens} tokens; need 1..{tokens}.",
                nameof(queries));
        (Prefix, Words, Dim, Heads, Queries) = (prefix, words, dim, heads, queries);
        _visible = new int[Tokens];
        _scratch = new float[MaskedAttentionKernel.ScratchSize(Tokens, dim, heads)];
    }

    /// <summary>Leading tokens that are never masked (patches, state, action queries).</summary>
    public int Prefix { get; }

    /// <summary>Trailing word tokens, masked where the instruction holds padding (id 0).</summary>
    public int Words { get; }

    public int Dim { get; }
    public int Heads { get; }
    public int Tokens => Prefix + Words;

    /// <summary>
    /// Query rows: every token, or only those whose outputs are read later (the last block's action queries).
    /// </summary>
    public int Queries { get; }

    public override string Kind => Name;

    /// <summary>Q [queries, D], K and V [T, D], and the instruction's ids [words].</summary>
    public override IReadOnlyList<int> InputSizes => [Queries * Dim, Tokens * Dim, Tokens * Dim, Words];

    public override int OutputSize => Queries * Dim;
    public override long ParameterBytes => 0;

    public override void Run(OpInputs inputs, Span<float> output)
    {
        ReadOnlySpan<float> ids = inputs[3];
        int visible = 0;
        for (int j = 0; j < Prefix; j++) _visible[visible++] = j;
        for (int j = 0; j < Words; j++)
            if (ids[j] != 0) _visible[visible++] = Prefix + j;
        float scale = (float)(1.0 / Math.Sqrt(Dim / Heads));
        MaskedAttentionKernel.Forward(inputs[0], inputs[1], inputs[2], Dim, Heads, scale, _visible.AsSpan(0, visible),
            output,
            _scratch);
    }

    public override RuntimeOp Replicate() => new MaskedAttention(Prefix, Words, Dim, Heads, Queries);

    public override void Lower(GpuBuilder gpu)
    {
        int t = Tokens, rows = Heads * Queries, scores = gpu.ScratchValues((long)rows * t);
        float scale = (float)(1.0 / Math.Sqrt(Dim / Heads));
        gpu.Launch("pol_attention_scores", (long)rows * t, GpuArgument.Values, gpu.Input(0), gpu.Input(1), gpu.Input(3),
            scores,
            Queries, Prefix, Words, Dim, Heads, scale);
        gpu.Launch("pol_attention_softmax", rows, GpuArgument.Values, gpu.Input(3), scores, rows, Prefix, Words);
        gpu.Launch("pol_attention_values", (long)Queries * Dim, GpuArgument.Values, scores, gpu.Input(2), gpu.Output,
            Queries, t, Dim, Heads);
    }

    public override string Describe() => $"masked attention {Heads} heads [{Tokens}, {Dim}] ({Prefix} + {Words} word "
        + $"tokens){(Queries == Tokens ? "" : $", {Queries} query rows")}";

    public override void Write(OpWriter writer)
    {
        writer.Attribute("prefix", Prefix);
        writer.Attribute("words", Words);
        writer.Attribute("dim", Dim);
        writer.Attribute("heads", Heads);
        writer.Attribute("queries", Queries);
    }

    public static MaskedAttention Read(OpReader reader)
    {
        int prefix = reader.Int("prefix", 1, RowCount.Max), words = reader.Int("words", 1, RowCount.Max);
        int dim = reader.Int("dim", 1, RuntimeLimits.MaxWidth), heads = reader.Int("heads", 1, RuntimeLimits.MaxWidth);
        if (dim % heads != 0) throw reader.Problem($"attribute 'dim' = {dim} is not a multiple of 'heads' = {heads}.");
        int queries = reader.Int("queries", 1, prefix + words);
        // The kernel's scratch (visible keys transposed per head, one score row) and the visible key list.
        reader.Reserve(4L * MaskedAttentionKernel.ScratchSize(prefix + words, dim, heads) + 4L * (prefix + words),
            "attention scratch");
        return new MaskedAttention(prefix, words, dim, heads, queries);
    }
}

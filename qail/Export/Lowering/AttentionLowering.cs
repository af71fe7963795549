using Qail.Nn;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// Bidirectional multi-head self-attention with the family's key mask: query, key and value projections, masked
/// attention, output projection. With <c>rows</c> given, only those tokens' outputs are computed: every token still
/// gives keys and values, but queries and the output projection run on those rows alone (both are row-wise).
/// </summary>
internal static class AttentionLowering
{
    public static LoweredValue Lower(LoweringContext context, MultiHeadAttention attention, string path,
        LoweredValue x, (int Start, int Count)? rows)
    {
        var mask = context.Mask ?? throw new ArgumentException($"Export: attention '{path}' lowers only inside a " +
            $"family that masks its keys.");
        int tokens = x.Rows, d = x.Width;
        if (attention.IsCausal || attention.ModelDim != d)
            throw new ArgumentException($"Export: '{path}' is {(attention.IsCausal ? "causal" : "")} of width " +
                $"{attention.ModelDim}; the runtime takes bidirectional attention of width {d}.");
        if (mask.Prefix + mask.Words != tokens)
            throw new ArgumentException($"Export: attention '{path}' reads {tokens} tokens; its mask covers " +
                $"{mask.Prefix} + {mask.Words} words.");
        LoweredValue Project(string name, LoweredValue source) =>
            context.Lower(LoweringContext.Child<Linear>(attention, name, $"{path}.{name}"), $"{path}.{name}", source);
        var q = Project("query", Keep(context, x, rows));
        var k = Project("key", x);
        var v = Project("value", x);
        var attended = new MaskedAttention(mask.Prefix, mask.Words, d, attention.Heads, q.Rows);
        var heads = new LoweredValue(context.Graph.Add(attended, q.Slot, k.Slot, v.Slot, mask.Ids), q.Rows, d);
        return Project("output", heads);
    }

    /// <summary>The given rows of a token sequence, or all of them.</summary>
    public static LoweredValue Keep(LoweringContext context, LoweredValue x, (int Start, int Count)? rows) =>
        rows is var (start, count)
            ? new LoweredValue(context.Graph.Add(new RowSlice(x.Rows, x.Width, start, count), x.Slot), count, x.Width)
            : x;
}

using Qail.Nn;

namespace Qail.Exporting;

/// <summary>
/// A pre-norm transformer block: x + Attention(LN1(x)), then x + MLP(LN2(x)); dropout is the identity at inference.
/// With <c>rows</c> given (a last block whose other rows nothing reads), the attention computes those rows only and
/// the residuals, the second norm and the MLP (all row-wise) run on them alone.
/// </summary>
internal static class TransformerBlockLowering
{
    public static LoweredValue Lower(LoweringContext context, TransformerBlock block, string path, LoweredValue x,
        (int Start, int Count)? rows)
    {
        var normed = context.Lower(Child<LayerNorm>(block, "norm1", path), $"{path}.norm1", x);
        var attention = Child<MultiHeadAttention>(block, "attention", path);
        var attended = AttentionLowering.Lower(context, attention, $"{path}.attention", normed, rows);
        x = context.Add($"block '{path}'", AttentionLowering.Keep(context, x, rows), attended);
        var mlp = context.Lower(Child<LayerNorm>(block, "norm2", path), $"{path}.norm2", x);
        mlp = context.Lower(Child<Sequential>(block, "mlp", path), $"{path}.mlp", mlp);
        return context.Add($"block '{path}'", x, mlp);
    }

    private static T Child<T>(TransformerBlock block, string name, string path) where T : Module =>
        LoweringContext.Child<T>(block, name, $"{path}.{name}");
}

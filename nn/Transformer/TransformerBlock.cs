using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Pre-norm transformer block: x + Dropout(Attention(LN1(x))), then x + Dropout(MLP(LN2(x))) with
/// MLP = Linear(d, ff), GELU, Linear(ff, d). Children: "norm1", "attention", "norm2", "mlp", "dropout".
/// </summary>
public sealed class TransformerBlock : Module
{
    /// <summary>
    /// Creates the block; all randomness (weights, dropout masks) derives from <paramref name="seed"/>.
    /// </summary>
    public TransformerBlock(int modelDim, int heads, int feedForwardDim, long seed, bool causal = false,
        double dropout = 0, DType dtype = DType.Float32)
    {
        if (feedForwardDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(feedForwardDim), feedForwardDim,
                "TransformerBlock: feedForwardDim must be positive.");
        RegisterModule("norm1", new LayerNorm(modelDim, dtype: dtype));
        RegisterModule("attention",
            new MultiHeadAttention(modelDim, heads, Init.DeriveSeed(seed, 0), causal, dtype: dtype));
        RegisterModule("norm2", new LayerNorm(modelDim, dtype: dtype));
        RegisterModule("mlp", new Sequential(
            new Linear(modelDim, feedForwardDim, Init.DeriveSeed(seed, 1), dtype: dtype),
            new GELU(),
            new Linear(feedForwardDim, modelDim, Init.DeriveSeed(seed, 2), dtype: dtype)));
        RegisterModule("dropout", new Dropout(dropout, Init.DeriveSeed(seed, 3)));
    }

    /// <summary>The block without a padding mask.</summary>
    public override Variable Forward(Variable input) => Forward(input, null);

    /// <summary>
    /// The block; <paramref name="keyPaddingMask"/> [B, T] (non-zero = padding) is passed to the attention.
    /// </summary>
    public Variable Forward(Variable input, Tensor? keyPaddingMask)
    {
        var dropout = RequireModule<Dropout>("dropout");
        var attended = RequireModule<MultiHeadAttention>("attention")
            .Forward(RequireModule<LayerNorm>("norm1").Forward(input), keyPaddingMask);
        var x = input + dropout.Forward(attended);
        return x
            + dropout.Forward(RequireModule<Sequential>("mlp").Forward(RequireModule<LayerNorm>("norm2").Forward(x)));
    }
}

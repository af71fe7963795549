using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Multi-head self-attention over [B, T, D] input: separate "query", "key", "value" and "output" Linear layers
/// (each a quantization hook point), scaled dot-product attention per head, optional causal mask (fixed at
/// construction) and optional key padding mask (per call).
/// </summary>
/// <remarks>
/// Runs as one fused op (<see cref="Variable.ScaledDotProductAttention"/>): hidden keys get weight exactly zero; a
/// query whose keys are all hidden attends uniformly.
/// </remarks>
public sealed class MultiHeadAttention : Module
{
    /// <summary>Creates the layer; <paramref name="modelDim"/> must be divisible by <paramref name="heads"/>.</summary>
    public MultiHeadAttention(int modelDim, int heads, long seed, bool causal = false, bool bias = true,
        DType dtype = DType.Float32)
    {
        if (modelDim <= 0 || heads <= 0 || modelDim % heads != 0)
            throw new ArgumentException(
                $"MultiHeadAttention: modelDim {modelDim} must be a positive multiple of heads {heads}.",
                nameof(heads));
        ModelDim = modelDim;
        Heads = heads;
        IsCausal = causal;
        RegisterModule("query", new Linear(modelDim, modelDim, Init.DeriveSeed(seed, 0), bias, dtype));
        RegisterModule("key", new Linear(modelDim, modelDim, Init.DeriveSeed(seed, 1), bias, dtype));
        RegisterModule("value", new Linear(modelDim, modelDim, Init.DeriveSeed(seed, 2), bias, dtype));
        RegisterModule("output", new Linear(modelDim, modelDim, Init.DeriveSeed(seed, 3), bias, dtype));
    }

    /// <summary>Width of the input and output.</summary>
    public int ModelDim { get; }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    /// <summary>True when position t attends only to positions &lt;= t.</summary>
    public bool IsCausal { get; }

    /// <summary>Self-attention without a padding mask.</summary>
    public override Variable Forward(Variable input) => Forward(input, null);

    /// <summary>
    /// Self-attention; <paramref name="keyPaddingMask"/> [B, T] (uint8 or int32, non-zero = padding) hides those keys
    /// from every query.
    /// </summary>
    public Variable Forward(Variable input, Tensor? keyPaddingMask)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Size(2) != ModelDim)
            throw new ArgumentException($"MultiHeadAttention: input shape {Shapes.Format(input.Value.ShapeSpan)} must "
                + $"be [B, T, {ModelDim}].", nameof(input));
        if (keyPaddingMask is not null && (keyPaddingMask.Rank != 2 || keyPaddingMask.Size(0) != input.Size(0)
            || keyPaddingMask.Size(1) != input.Size(1) || keyPaddingMask.DType.IsFloatingPoint()))
        {
            throw new ArgumentException($"MultiHeadAttention: key padding mask {keyPaddingMask} must be integer "
                + $"[{input.Size(0)}, {input.Size(1)}].", nameof(keyPaddingMask));
        }
        // One fused op over the projections' [B, T, D] layout: no head split, no score or mask tensors.
        var context = Variable.ScaledDotProductAttention(RequireModule<Linear>("query").Forward(input),
            RequireModule<Linear>("key").Forward(input), RequireModule<Linear>("value").Forward(input), Heads,
            IsCausal, keyPaddingMask);
        return RequireModule<Linear>("output").Forward(context);
    }
}

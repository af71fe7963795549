using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Multi-head self-attention over [B, T, D] input: separate "query", "key", "value" and "output" Linear layers
/// (each a quantization hook point), scaled dot-product attention per head, optional causal mask (fixed at
/// construction) and optional key padding mask (per call).
/// </summary>
/// <remarks>Masked scores get -1e9 before the softmax, so their weights are exactly zero; a query whose keys are all masked attends uniformly.</remarks>
public sealed class MultiHeadAttention : Module
{
    private const double MaskedScore = -1e9;

    /// <summary>Creates the layer; <paramref name="modelDim"/> must be divisible by <paramref name="heads"/>.</summary>
    public MultiHeadAttention(int modelDim, int heads, long seed, bool causal = false, bool bias = true, DType dtype = DType.Float32)
    {
        if (modelDim <= 0 || heads <= 0 || modelDim % heads != 0)
            throw new ArgumentException($"MultiHeadAttention: modelDim {modelDim} must be a positive multiple of heads {heads}.", nameof(heads));
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
            throw new ArgumentException($"MultiHeadAttention: input shape {Shapes.Format(input.Value.ShapeSpan)} must be [B, T, {ModelDim}].", nameof(input));
        int b = input.Size(0), t = input.Size(1), dh = ModelDim / Heads;
        var q = SplitHeads(RequireModule<Linear>("query").Forward(input), b, t, dh);
        var k = SplitHeads(RequireModule<Linear>("key").Forward(input), b, t, dh);
        var v = SplitHeads(RequireModule<Linear>("value").Forward(input), b, t, dh);
        var scores = Variable.MatMul(q, k.Transpose(-2, -1)) * (1.0 / Math.Sqrt(dh));
        if (Mask(keyPaddingMask, b, t, input.DType) is Tensor mask) scores = scores + Variable.Constant(mask);
        var context = Variable.MatMul(scores.Softmax(-1), v).Permute(0, 2, 1, 3).Reshape(b, t, ModelDim);
        return RequireModule<Linear>("output").Forward(context);
    }

    private Variable SplitHeads(Variable x, int b, int t, int dh) => x.Reshape(b, t, Heads, dh).Permute(0, 2, 1, 3);

    /// <summary>The additive mask [B or 1, 1, T, T] (0 where allowed, -1e9 where hidden), or null when nothing is hidden.</summary>
    private Tensor? Mask(Tensor? keyPaddingMask, int b, int t, DType dtype)
    {
        if (!IsCausal && keyPaddingMask is null) return null;
        bool[]? padded = null;
        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Rank != 2 || keyPaddingMask.Size(0) != b || keyPaddingMask.Size(1) != t || keyPaddingMask.DType.IsFloatingPoint())
                throw new ArgumentException($"MultiHeadAttention: key padding mask {keyPaddingMask} must be integer [{b}, {t}].", nameof(keyPaddingMask));
            padded = keyPaddingMask.ToDoubleArray().Select(x => x != 0).ToArray();
        }
        int batches = padded is null ? 1 : b;
        var values = new double[(long)batches * t * t];
        for (int n = 0; n < batches; n++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    if ((IsCausal && j > i) || (padded is not null && padded[n * t + j]))
                        values[((long)n * t + i) * t + j] = MaskedScore;
        return Tensor.From<double>(values, [batches, 1, t, t]).Cast(dtype);
    }
}

using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// Multi-head scaled dot-product attention as one op (<see cref="Tensor.ScaledDotProductAttention"/>): query, key
    /// and value [B, T, H * dh] with the heads side by side, causal and/or key-padding mask; gradients flow to all
    /// three through one fused backward pass.
    /// </summary>
    public static Variable ScaledDotProductAttention(Variable query, Variable key, Variable value, int heads,
        bool causal = false, Tensor? keyPaddingMask = null)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        var (q, k, v) = (query.Value, key.Value, value.Value);
        var output = Tensor.ScaledDotProductAttention(q, k, v, heads, causal, keyPaddingMask, out var weights);
        return Record(nameof(ScaledDotProductAttention), output, [query, key, value], (g, n) =>
        {
            var (dq, dk, dv) = Tensor.ScaledDotProductAttentionBackward(g, q, k, v, weights, heads, causal,
                keyPaddingMask);
            return [n[0] ? dq : null, n[1] ? dk : null, n[2] ? dv : null];
        });
    }
}

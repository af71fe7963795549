using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// activation(input weight^T + bias) for input [N, in], weight [out, in], bias [out] or null, as one op: one
    /// matmul (the weight read transposed in place) and one fused bias + activation pass forward; backward forms
    /// dz once, then dx = dz weight and dweight = dz^T input directly in the weight's [out, in] layout.
    /// </summary>
    public static Variable Linear(Variable input, Variable weight, Variable? bias = null,
        Activation activation = Activation.Identity)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var (x, w, b) = (input.Value, weight.Value, bias?.Value);
        if (x.Rank != 2 || w.Rank != 2 || x.Size(1) != w.Size(1))
        {
            throw new ArgumentException($"Linear: input {Shapes.Format(x.ShapeSpan)} must be [N, in] and weight "
                + $"{Shapes.Format(w.ShapeSpan)} [out, in].");
        }
        var z = Tensor.MatMul(x, w.Transpose(0, 1));
        bool fused = b is not null || activation != Activation.Identity;
        var y = fused ? Tensor.BiasActivation(z, b, activation) : z;
        Variable[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Record(nameof(Linear), y, inputs, (g, n) =>
        {
            var (dz, db) = fused ? Tensor.BiasActivationBackward(g, z, b, y, activation) : (g, null);
            var grads = new Tensor?[inputs.Length];
            if (n[0]) grads[0] = Tensor.MatMul(dz, w);
            if (n[1]) grads[1] = Tensor.MatMul(dz.Transpose(0, 1), x);
            if (bias is not null && n[2]) grads[2] = db;
            return grads;
        });
    }
}

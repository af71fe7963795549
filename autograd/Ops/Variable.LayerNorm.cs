using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// Layer normalization over the last <paramref name="normalizedDims"/> dimensions, then optional elementwise
    /// <paramref name="weight"/> and <paramref name="bias"/> (shaped like those dimensions). Gradients flow to all
    /// three.
    /// </summary>
    public static Variable LayerNorm(Variable input, int normalizedDims, Variable? weight = null, Variable? bias = null,
        double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input.Value;
        var (y, mean, rstd) = Tensor.LayerNormWithStats(x, normalizedDims, weight?.Value, bias?.Value, eps);
        var inputs = new List<Variable> { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        return Record(nameof(LayerNorm), y, inputs.ToArray(), (g, n) =>
        {
            // One fused pass: dx = rstd (gx - mean(gx) - xhat mean(gx xhat)), gx = g w; dw = sum g xhat; db = sum g.
            var (dx, dw, db) = Tensor.LayerNormBackward(g, x, normalizedDims, weight?.Value, bias is not null, mean,
                rstd, needInput: n[0]);
            var grads = new Tensor?[inputs.Count];
            grads[0] = dx;
            int k = 1;
            if (weight is not null && n[k]) grads[k] = dw;
            if (weight is not null) k++;
            if (bias is not null && n[k]) grads[k] = db;
            return grads;
        });
    }
}

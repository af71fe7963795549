using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// Layer normalization over the last <paramref name="normalizedDims"/> dimensions, then optional elementwise
    /// <paramref name="weight"/> and <paramref name="bias"/> (shaped like those dimensions). Gradients flow to all three.
    /// </summary>
    public static Variable LayerNorm(Variable input, int normalizedDims, Variable? weight = null, Variable? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input.Value;
        var (y, mean, rstd) = Tensor.LayerNormWithStats(x, normalizedDims, weight?.Value, bias?.Value, eps);
        var axes = Enumerable.Range(x.Rank - normalizedDims, normalizedDims).ToArray();
        var inputs = new List<Variable> { input };
        if (weight is not null) inputs.Add(weight);
        if (bias is not null) inputs.Add(bias);
        return Record(nameof(LayerNorm), y, inputs.ToArray(), (g, n) =>
        {
            var xhat = (x - mean) * rstd;
            var grads = new Tensor?[inputs.Count];
            if (n[0])
            {
                var gxhat = weight is null ? g : g * weight.Value;
                grads[0] = rstd * (gxhat - gxhat.Mean(axes, keepDim: true) - xhat * (gxhat * xhat).Mean(axes, keepDim: true));
            }
            int k = 1;
            if (weight is not null && n[k]) grads[k] = Unbroadcast(g * xhat, weight.Value.ShapeToArray());
            if (weight is not null) k++;
            if (bias is not null && n[k]) grads[k] = Unbroadcast(g, bias.Value.ShapeToArray());
            return grads;
        });
    }
}

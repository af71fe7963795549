using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// Matrix product with NumPy semantics: 1-D operands are promoted (and the added dimension dropped), leading
    /// dimensions broadcast. dA = dY B^T and dB = A^T dY, summed over broadcast batch dimensions.
    /// </summary>
    public static Variable MatMul(Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Rank == 0 || b.Rank == 0)
            throw new ArgumentException($"MatMul: operands must have rank >= 1, got {Shapes.Format(a.Value.ShapeSpan)} "
                + $"and {Shapes.Format(b.Value.ShapeSpan)}.");
        // Vectors go through the matrix rule as [1, k] / [k, 1] views; the view ops carry their own gradients.
        if (a.Rank == 1) return MatMul(a.Unsqueeze(0), b).Squeeze(-2);
        if (b.Rank == 1) return MatMul(a, b.Unsqueeze(1)).Squeeze(-1);
        var (x, y) = (a.Value, b.Value);
        return Record(nameof(MatMul), Tensor.MatMul(x, y), [a, b], (g, n) =>
            [n[0] ? Unbroadcast(Tensor.MatMul(g, y.Transpose(-2, -1)), x.ShapeToArray()) : null,
             n[1] ? Unbroadcast(Tensor.MatMul(x.Transpose(-2, -1), g), y.ShapeToArray()) : null]);
    }
}

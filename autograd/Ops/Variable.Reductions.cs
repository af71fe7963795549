using Qail.Engine;

namespace Qail.Autograd;

// Reductions over axes (null = all axes), with keepDim: the gradient is broadcast back over the reduced axes.
public sealed partial class Variable
{
    /// <summary>Sum over <paramref name="axes"/> (all when null).</summary>
    public Variable Sum(int[]? axes = null, bool keepDim = false)
    {
        var shape = Value.ShapeToArray();
        var kept = KeptShape(shape, axes, nameof(Sum));
        return Record(nameof(Sum), Value.Sum(axes, keepDim), [this], (g, _) => [g.Reshape(kept).Expand(shape)]);
    }

    /// <summary>Mean over <paramref name="axes"/> (all when null).</summary>
    public Variable Mean(int[]? axes = null, bool keepDim = false)
    {
        var shape = Value.ShapeToArray();
        var kept = KeptShape(shape, axes, nameof(Mean));
        double count = ReducedCount(shape, kept);
        return Record(nameof(Mean), Value.Mean(axes, keepDim), [this],
            (g, _) => [(g / count).Reshape(kept).Expand(shape)]);
    }

    /// <summary>
    /// Maximum over <paramref name="axes"/>; when several elements tie for the maximum the gradient is split equally
    /// among them.
    /// </summary>
    public Variable Max(int[]? axes = null, bool keepDim = false) =>
        ReduceExtremum(nameof(Max), Value.Max(axes, keepDim), axes);

    /// <summary>
    /// Minimum over <paramref name="axes"/>; when several elements tie for the minimum the gradient is split equally
    /// among them.
    /// </summary>
    public Variable Min(int[]? axes = null, bool keepDim = false) =>
        ReduceExtremum(nameof(Min), Value.Min(axes, keepDim), axes);

    private Variable ReduceExtremum(string op, Tensor y, int[]? axes)
    {
        var x = Value;
        var shape = x.ShapeToArray();
        var kept = KeptShape(shape, axes, op);
        return Record(op, y, [this], (g, _) =>
        {
            var winners = Tensor.Eq(x, y.Reshape(kept)).Cast(g.DType);
            var share = winners / winners.Sum(axes, keepDim: true);
            return [share * g.Reshape(kept)];
        });
    }

    /// <summary>
    /// Variance over <paramref name="axes"/>, divided by N - 1 when <paramref name="unbiased"/>, else N; d/dx = 2 (x -
    /// mean) / divisor.
    /// </summary>
    public Variable Variance(int[]? axes = null, bool keepDim = false, bool unbiased = false)
    {
        var x = Value;
        var shape = x.ShapeToArray();
        var kept = KeptShape(shape, axes, nameof(Variance));
        double divisor = ReducedCount(shape, kept) - (unbiased ? 1 : 0);
        return Record(nameof(Variance), x.Variance(axes, keepDim, unbiased), [this], (g, _) =>
        {
            var centred = x - x.Mean(axes, keepDim: true);
            return [centred * g.Reshape(kept) * (2.0 / divisor)];
        });
    }

    /// <summary>Sum over one axis.</summary>
    public Variable Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>Mean over one axis.</summary>
    public Variable Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Maximum over one axis (ties split the gradient).</summary>
    public Variable Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    /// <summary>Minimum over one axis (ties split the gradient).</summary>
    public Variable Min(int axis, bool keepDim = false) => Min([axis], keepDim);

    /// <summary>Variance over one axis.</summary>
    public Variable Variance(int axis, bool keepDim = false, bool unbiased = false) =>
        Variance([axis], keepDim, unbiased);

    // The output shape with keepDim: true (reduced axes set to 1), validating axes as the engine would.
    private static int[] KeptShape(int[] shape, int[]? axes, string op)
    {
        var kept = (int[])shape.Clone();
        if (axes is null)
        {
            Array.Fill(kept, 1);
            return kept;
        }
        foreach (int axis in axes) kept[Shapes.NormalizeAxis(axis, shape.Length, op)] = 1;
        return kept;
    }

    private static double ReducedCount(int[] shape, int[] kept)
    {
        double count = 1;
        for (int i = 0; i < shape.Length; i++)
            if (kept[i] == 1) count *= shape[i]; // unreduced size-1 axes contribute 1
        return count;
    }
}

using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Loss functions over variables; each returns a scalar unless <see cref="Reduction.None"/> is asked for.
/// </summary>
public static partial class Losses
{
    /// <summary>Mean squared error (prediction - target)^2; shapes must match.</summary>
    public static Variable Mse(Variable prediction, Variable target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(nameof(Mse), prediction, target);
        return Reduce((prediction - target).Square(), reduction);
    }

    /// <summary>Mean absolute error |prediction - target|; shapes must match.</summary>
    public static Variable L1(Variable prediction, Variable target, Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(nameof(L1), prediction, target);
        return Reduce((prediction - target).Abs(), reduction);
    }

    /// <summary>
    /// Huber loss: 0.5 d^2 where |d| &lt; delta, else delta (|d| - 0.5 delta), with d = prediction - target.
    /// </summary>
    public static Variable Huber(Variable prediction, Variable target, double delta = 1.0,
        Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(nameof(Huber), prediction, target);
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Huber: delta must be positive.");
        var d = prediction - target;
        var absolute = d.Abs();
        var small = Tensor.Lt(absolute.Value, delta);
        var quadratic = d.Square() * 0.5;
        var linear = (absolute - 0.5 * delta) * delta;
        return Reduce(Variable.Where(small, quadratic, linear), reduction);
    }

    /// <summary>
    /// Negative log-likelihood of <paramref name="target"/> under N(mean, exp(logStd)^2), per element:
    /// 0.5 ((target - mean) / std)^2 + logStd (+ 0.5 log 2 pi when <paramref name="full"/>). Shapes must match.
    /// </summary>
    public static Variable GaussianNll(Variable mean, Variable logStd, Variable target, bool full = false,
        Reduction reduction = Reduction.Mean)
    {
        CheckSameShape(nameof(GaussianNll), mean, target);
        CheckSameShape(nameof(GaussianNll), logStd, target);
        var z = (target - mean) * (-logStd).Exp();
        var nll = z.Square() * 0.5 + logStd;
        if (full) nll = nll + 0.5 * Math.Log(2 * Math.PI);
        return Reduce(nll, reduction);
    }

    private static Variable Reduce(Variable values, Reduction reduction) => reduction switch
    {
        Reduction.Mean => values.Mean(),
        Reduction.Sum => values.Sum(),
        Reduction.None => values,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction."),
    };

    private static void CheckSameShape(string op, Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!Shapes.Equal(a.Value.ShapeSpan, b.Value.ShapeSpan))
            throw new ArgumentException(
                $"{op}: shapes {Shapes.Format(a.Value.ShapeSpan)} and {Shapes.Format(b.Value.ShapeSpan)} differ.");
    }
}

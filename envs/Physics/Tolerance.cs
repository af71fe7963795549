namespace Qail.Envs.Physics;

/// <summary>DeepMind Control Suite's shaped reward: 1 inside the bounds, decaying with distance outside them.</summary>
public static class Tolerance
{
    /// <summary>
    /// Gaussian decay: 1 inside [lower, upper], <paramref name="valueAtMargin"/> at <paramref name="margin"/> outside
    /// (0 margin: a step).
    /// </summary>
    public static double Gaussian(double x, double lower, double upper, double margin, double valueAtMargin = 0.1)
    {
        if (x >= lower && x <= upper) return 1.0;
        if (margin <= 0) return 0.0;
        double d = (x < lower ? lower - x : x - upper) / margin, scale = Math.Sqrt(-2.0 * Math.Log(valueAtMargin));
        return Math.Exp(-0.5 * (d * scale) * (d * scale));
    }

    /// <summary>Quadratic decay reaching 0 at <paramref name="margin"/> outside [lower, upper].</summary>
    public static double Quadratic(double x, double lower, double upper, double margin)
    {
        if (x >= lower && x <= upper) return 1.0;
        double d = (x < lower ? lower - x : x - upper) / margin;
        return d < 1 ? 1 - d * d : 0.0;
    }

    /// <summary>
    /// DeepMind Control's <c>rewards.tolerance</c>: 1 inside [lower, upper]; outside, the distance d in units of
    /// <paramref name="margin"/> is fed to <paramref name="sigmoid"/>, scaled so that d = 1 gives
    /// <paramref name="valueAtMargin"/>. A zero margin gives a step.
    /// </summary>
    /// <exception cref="ArgumentException">lower &gt; upper, a negative margin, or a value at margin outside the
    /// sigmoid's range.</exception>
    public static double Of(double x, double lower, double upper, double margin = 0, Sigmoid sigmoid = Sigmoid.Gaussian,
        double valueAtMargin = 0.1)
    {
        if (!(lower <= upper))
            throw new ArgumentException($"Tolerance: lower {lower} exceeds upper {upper}.", nameof(lower));
        if (!(margin >= 0))
            throw new ArgumentException($"Tolerance: margin {margin} must be non-negative.", nameof(margin));
        bool zeroAllowed = sigmoid is Sigmoid.Linear or Sigmoid.Quadratic or Sigmoid.Cosine;
        if (!(valueAtMargin < 1 && (valueAtMargin > 0 || (zeroAllowed && valueAtMargin == 0))))
            throw new ArgumentException(
                $"Tolerance: value at margin {valueAtMargin} lies outside the range of {sigmoid}.",
                nameof(valueAtMargin));
        if (x >= lower && x <= upper) return 1.0;
        if (margin == 0) return 0.0;
        double d = (x < lower ? lower - x : x - upper) / margin, v = valueAtMargin;
        return sigmoid switch
        {
            Sigmoid.Gaussian => Math.Exp(-0.5 * Square(d * Math.Sqrt(-2 * Math.Log(v)))),
            Sigmoid.Hyperbolic => 1 / Math.Cosh(d * Math.Acosh(1 / v)),
            Sigmoid.LongTail => 1 / (Square(d * Math.Sqrt(1 / v - 1)) + 1),
            Sigmoid.Reciprocal => 1 / (Math.Abs(d) * (1 / v - 1) + 1),
            Sigmoid.Cosine => Math.Abs(d * Math.Acos(2 * v - 1) / Math.PI) < 1
                ? (1 + Math.Cos(d * Math.Acos(2 * v - 1))) / 2
                : 0,
            Sigmoid.Linear => Math.Abs(d * (1 - v)) < 1 ? 1 - d * (1 - v) : 0,
            Sigmoid.Quadratic => Math.Abs(d * Math.Sqrt(1 - v)) < 1 ? 1 - Square(d * Math.Sqrt(1 - v)) : 0,
            Sigmoid.TanhSquared => 1 - Square(Math.Tanh(d * Math.Atanh(Math.Sqrt(1 - v)))),
            _ => throw new ArgumentException($"Tolerance: unknown sigmoid {sigmoid}.", nameof(sigmoid)),
        };
    }

    private static double Square(double x) => x * x;
}

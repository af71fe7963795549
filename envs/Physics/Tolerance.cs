namespace Qail.Envs.Physics;

/// <summary>DeepMind Control Suite's shaped reward: 1 inside the bounds, decaying with distance outside them.</summary>
public static class Tolerance
{
    /// <summary>Gaussian decay: 1 inside [lower, upper], <paramref name="valueAtMargin"/> at <paramref name="margin"/> outside (0 margin: a step).</summary>
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
}

namespace Qail.Envs.Physics;

/// <summary>The shapes DeepMind Control's <c>tolerance</c> can decay with outside its bounds.</summary>
public enum Sigmoid
{
    /// <summary>exp(-(d s)^2 / 2) with s = sqrt(-2 ln v).</summary>
    Gaussian,
    /// <summary>1 / cosh(d s) with s = arccosh(1 / v).</summary>
    Hyperbolic,
    /// <summary>1 / ((d s)^2 + 1) with s = sqrt(1 / v - 1).</summary>
    LongTail,
    /// <summary>1 / (|d| s + 1) with s = 1 / v - 1.</summary>
    Reciprocal,
    /// <summary>(1 + cos(pi d s)) / 2 while |d s| &lt; 1, else 0, with s = arccos(2 v - 1) / pi.</summary>
    Cosine,
    /// <summary>1 - d s while |d s| &lt; 1, else 0, with s = 1 - v.</summary>
    Linear,
    /// <summary>1 - (d s)^2 while |d s| &lt; 1, else 0, with s = sqrt(1 - v).</summary>
    Quadratic,
    /// <summary>1 - tanh(d s)^2 with s = arctanh(sqrt(1 - v)).</summary>
    TanhSquared,
}

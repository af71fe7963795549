namespace Qail.Autograd;

/// <summary>
/// Settings of <see cref="GradientChecker"/>: finite-difference step, pass tolerances, and the seed of the output
/// projection.
/// </summary>
/// <param name="Epsilon">Central-difference half step, applied to float64 copies of the inputs.</param>
/// <param name="AbsoluteTolerance">An element passes when |analytic - numeric| &lt;= AbsoluteTolerance +
/// RelativeTolerance * |numeric|.</param>
/// <param name="RelativeTolerance">See <paramref name="AbsoluteTolerance"/>.</param>
/// <param name="Seed">Seed of the random weights that reduce a non-scalar output to a scalar (sum of output *
/// weights).</param>
public sealed record GradCheckOptions(double Epsilon = 1e-6, double AbsoluteTolerance = 1e-6,
    double RelativeTolerance = 1e-5, long Seed = 12345)
{
    /// <summary>Defaults suited to smooth float64 functions with values of order 1.</summary>
    public static GradCheckOptions Default { get; } = new();
}

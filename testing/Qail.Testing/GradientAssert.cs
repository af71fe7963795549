using Qail.Autograd;
using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// Assertions over <see cref="GradientChecker"/>: a backward rule (of a built-in op, a composite of ops or a
/// <see cref="CustomFunction"/>) must agree with central finite differences computed in float64.
/// </summary>
public static class GradientAssert
{
    /// <summary>
    /// Fails, naming <paramref name="label"/> and the checker's worst element, unless every input gradient passes the
    /// default tolerances.
    /// </summary>
    public static GradCheckResult MatchesFiniteDifferences(string label, Func<IReadOnlyList<Variable>,
        Variable> function, params Tensor[] inputs) =>
        MatchesFiniteDifferences(label, GradCheckOptions.Default, function, inputs);

    /// <summary>
    /// As <see cref="MatchesFiniteDifferences(string, Func{IReadOnlyList{Variable}, Variable}, Tensor[])"/> with
    /// explicit step and tolerances.
    /// </summary>
    public static GradCheckResult MatchesFiniteDifferences(string label, GradCheckOptions options,
        Func<IReadOnlyList<Variable>, Variable> function,
        params Tensor[] inputs)
    {
        var result = GradientChecker.Check(function, inputs, options);
        if (!result.Passed) throw new NumericAssertionException($"{label}: {result}");
        return result;
    }

    /// <summary>
    /// Checks a custom function's <c>Backward</c> against finite differences of its <c>Forward</c>, all inputs at once.
    /// </summary>
    public static GradCheckResult MatchesFiniteDifferences(CustomFunction function, params Tensor[] inputs) =>
        MatchesFiniteDifferences(function, GradCheckOptions.Default, inputs);

    /// <summary>
    /// As <see cref="MatchesFiniteDifferences(CustomFunction, Tensor[])"/> with explicit step and tolerances.
    /// </summary>
    public static GradCheckResult MatchesFiniteDifferences(CustomFunction function, GradCheckOptions options,
        params Tensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(function);
        return MatchesFiniteDifferences(function.Name, options, v => function.Apply([.. v]), inputs);
    }
}

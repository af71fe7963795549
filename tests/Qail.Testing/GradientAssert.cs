using Qail.Autograd;
using Qail.Engine;
using Xunit.Sdk;

namespace Qail.Testing;

/// <summary>Assertions over <see cref="GradientChecker"/>: a backward rule must agree with central finite differences in float64.</summary>
public static class GradientAssert
{
    /// <summary>Fails, naming <paramref name="label"/> and the checker's worst element, unless every input gradient passes the default tolerances.</summary>
    public static GradCheckResult MatchesFiniteDifferences(string label, Func<IReadOnlyList<Variable>, Variable> function, params Tensor[] inputs) =>
        MatchesFiniteDifferences(label, GradCheckOptions.Default, function, inputs);

    /// <summary>As <see cref="MatchesFiniteDifferences(string, Func{IReadOnlyList{Variable}, Variable}, Tensor[])"/> with explicit step and tolerances.</summary>
    public static GradCheckResult MatchesFiniteDifferences(string label, GradCheckOptions options, Func<IReadOnlyList<Variable>, Variable> function, params Tensor[] inputs)
    {
        var result = GradientChecker.Check(function, inputs, options);
        if (!result.Passed) throw new XunitException($"{label}: {result}");
        return result;
    }
}

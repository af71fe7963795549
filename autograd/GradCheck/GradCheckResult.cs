using Qail.Engine;

namespace Qail.Autograd;

/// <summary>
/// Outcome of a gradient check: the largest errors over all input elements and the worst element (the one
/// furthest beyond its tolerance), with its input, index and both derivative values.
/// </summary>
public sealed record GradCheckResult(
    bool Passed,
    double MaxAbsoluteError,
    double MaxRelativeError,
    int WorstInput,
    int[] WorstIndex,
    double WorstAnalytic,
    double WorstNumeric,
    long ElementsChecked)
{
    /// <summary>One line for assertion messages.</summary>
    public override string ToString() =>
        $"gradient check {(Passed ? "passed" : "FAILED")} over {ElementsChecked} elements: max abs error "
        + $"{MaxAbsoluteError:G4}, max rel error {MaxRelativeError:G4}; "
        + $"worst at input {WorstInput} index {Shapes.Format(WorstIndex)}: analytic {WorstAnalytic:G10} vs numeric "
        + $"{WorstNumeric:G10}";
}

using Qail.Envs;
using Qail.Policies;

namespace Qail.Experiments;

/// <summary>
/// The rows of a study and the policies behind them (the FP teacher and one fake-quantized student per method).
/// </summary>
public sealed record StudyResult(StudyOptions Options, Demonstrations Demonstrations, IReadOnlyList<StudyRow> Rows,
    PolicyNetwork Teacher,
    IReadOnlyDictionary<QuantMethod, PolicyNetwork> Students)
{
    /// <summary>The full-precision row.</summary>
    public StudyRow FullPrecision => Rows[0];
}

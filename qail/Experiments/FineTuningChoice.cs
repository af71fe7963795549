using System.Globalization;

namespace Qail.Experiments;

/// <summary>
/// What one screening run scores on data no test sees: its mean validation-episode return (higher better) and, to
/// break exact ties (sparse 0/1 returns tie often), its mean action error on held-out demonstrations (lower better).
/// </summary>
public readonly record struct ScreenScore(double Return, double ActionError)
{
    /// <summary>
    /// True when this score beats <paramref name="other"/>: a higher return, or the same return and less error.
    /// </summary>
    public bool Beats(ScreenScore other) =>
        Return > other.Return || (Return == other.Return && ActionError < other.ActionError);
}

/// <summary>
/// The learning rate and QBC weight a fine-tuning run uses, chosen on validation data (never the test seeds): every
/// point of the grid runs a short screening fine-tune from the same start and is scored by its validation return at the
/// end, exact ties broken by the held-out demonstrations' action error; the best point wins (a full tie keeps the
/// earlier one). A one-point grid is taken as given and runs no screen.
/// </summary>
public static class FineTuningChoice
{
    /// <summary>
    /// Screens <paramref name="learningRates"/> x <paramref name="qbcWeights"/> with <paramref name="screen"/>
    /// (learning rate, QBC weight) to its validation score; returns the choice, its short label and a note listing
    /// every screen's return (to three decimals: driving returns lie in [0, 1]) and action error (and whether a
    /// tie-break decided).
    /// </summary>
    public static (double LearningRate, double QbcWeight, string Label, string Screens) Choose(
        IReadOnlyList<double> learningRates, IReadOnlyList<double> qbcWeights, Func<double, double, ScreenScore> screen)
    {
        ArgumentNullException.ThrowIfNull(learningRates);
        ArgumentNullException.ThrowIfNull(qbcWeights);
        ArgumentNullException.ThrowIfNull(screen);
        if (learningRates.Count == 0 || qbcWeights.Count == 0)
            throw new ArgumentException("FineTuningChoice: the learning-rate and QBC-weight grids need a value each.");
        bool aligned = qbcWeights.Any(w => w > 0);
        if (learningRates.Count * qbcWeights.Count == 1)
        {
            var (lr, weight) = (learningRates[0], qbcWeights[0]);
            return (lr, weight, Label(lr, weight, aligned), "fixed, no screen");
        }
        var scores = new List<string>();
        var returns = new List<double>();
        (double Lr, double Weight, ScreenScore Score) best = (learningRates[0], qbcWeights[0],
            new(double.NegativeInfinity, double.PositiveInfinity));
        foreach (double lr in learningRates)
            foreach (double weight in qbcWeights)
            {
                var score = screen(lr, weight);
                returns.Add(score.Return);
                scores.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{Label(lr, weight, aligned)}: {score.Return:0.0##} / {score.ActionError:F4}"));
                if (score.Beats(best.Score)) best = (lr, weight, score);
            }
        bool tieBroken = returns.Count(r => r == best.Score.Return) > 1;
        return (best.Lr, best.Weight, Label(best.Lr, best.Weight, aligned),
            $"validation return / held-out action error of {scores.Count} screens: {string.Join("; ", scores)}" +
            (tieBroken ? "; best return tied, action error decided" : ""));
    }

    /// <summary>"lr 3e-4, λ 1" (the QBC weight only where the method aligns).</summary>
    public static string Label(double learningRate, double qbcWeight, bool aligned) => aligned
        ? string.Create(CultureInfo.InvariantCulture, $"lr {learningRate:0.####e0}, λ {qbcWeight:0.###}")
        : string.Create(CultureInfo.InvariantCulture, $"lr {learningRate:0.####e0}");
}

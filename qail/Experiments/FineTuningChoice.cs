using System.Globalization;

namespace Qail.Experiments;

/// <summary>
/// The learning rate and QBC weight a fine-tuning run uses, chosen on validation episodes (never the test seeds): every
/// point of the grid runs a short screening fine-tune from the same start and is scored by its validation return at the
/// end; the best point wins (ties keep the earlier one). A one-point grid is taken as given and runs no screen.
/// </summary>
public static class FineTuningChoice
{
    /// <summary>
    /// Screens <paramref name="learningRates"/> x <paramref name="qbcWeights"/> with <paramref name="screen"/>
    /// (learning rate, QBC weight) to validation score, higher better; returns the choice, its short label and a note
    /// listing every screen's score.
    /// </summary>
    public static (double LearningRate, double QbcWeight, string Label, string Screens) Choose(
        IReadOnlyList<double> learningRates, IReadOnlyList<double> qbcWeights, Func<double, double, double> screen)
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
        (double Lr, double Weight, double Score) best = (learningRates[0], qbcWeights[0], double.NegativeInfinity);
        foreach (double lr in learningRates)
            foreach (double weight in qbcWeights)
            {
                double score = screen(lr, weight);
                scores.Add(string.Create(CultureInfo.InvariantCulture, $"{Label(lr, weight, aligned)}: {score:F1}"));
                if (score > best.Score) best = (lr, weight, score);
            }
        return (best.Lr, best.Weight, Label(best.Lr, best.Weight, aligned),
            $"validation return of {scores.Count} screens: {string.Join("; ", scores)}");
    }

    /// <summary>"lr 3e-4, λ 1" (the QBC weight only where the method aligns).</summary>
    public static string Label(double learningRate, double qbcWeight, bool aligned) => aligned
        ? string.Create(CultureInfo.InvariantCulture, $"lr {learningRate:0.####e0}, λ {qbcWeight:0.###}")
        : string.Create(CultureInfo.InvariantCulture, $"lr {learningRate:0.####e0}");
}

using Qail.Autograd;
using Qail.Envs;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// Demonstration steps split by whole episodes: the last <c>ceil(fraction x episodes)</c> episodes are held out for
/// validation (never trained on), the rest train. Whole episodes, because steps of one episode are nearly duplicates.
/// </summary>
public sealed record DemonstrationSplit(int[] Train, int[] Validation)
{
    /// <summary>The split of <paramref name="demos"/>; fraction 0 (or a single episode) holds nothing out.</summary>
    public static DemonstrationSplit Of(Demonstrations demos, double fraction)
    {
        ArgumentNullException.ThrowIfNull(demos);
        int held = fraction <= 0 || demos.Episodes < 2 ? 0 : Math.Clamp((int)Math.Ceiling(fraction * demos.Episodes), 1,
            demos.Episodes - 1);
        int boundary = (int)demos.EpisodeOffsets[demos.Episodes - held];
        return new DemonstrationSplit(Enumerable.Range(0, boundary).ToArray(),
            Enumerable.Range(boundary, demos.Steps - boundary).ToArray());
    }

    /// <summary>
    /// Mean imitation loss of <paramref name="policy"/> over the given steps (evaluation mode, no gradients).
    /// </summary>
    public static double Loss(PolicyNetwork policy, Demonstrations demos, int[] steps, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0) throw new ArgumentException("DemonstrationSplit.Loss: no steps given.", nameof(steps));
        bool wasTraining = policy.IsTraining;
        policy.Eval();
        double total = 0;
        using (GradMode.NoGrad())
            for (int start = 0; start < steps.Length; start += batchSize)
            {
                var indices = steps.AsSpan(start, Math.Min(batchSize, steps.Length - start)).ToArray();
                var batch = PolicyBatch.FromDemonstrations(demos, indices);
                total += policy.ImitationLoss(policy.Predict(batch), batch).Item() * indices.Length;
            }
        policy.Train(wasTraining);
        return total / steps.Length;
    }
}

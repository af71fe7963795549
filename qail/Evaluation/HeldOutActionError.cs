using Qail.Autograd;
using Qail.Envs;
using Qail.Policies;

namespace Qail.Evaluation;

/// <summary>
/// Mean L2 distance between a policy's actions and the expert's clean labels on held-out demonstration steps: a
/// measure that needs no test seed and never ties the way sparse 0/1 validation returns do.
/// </summary>
public static class HeldOutActionError
{
    /// <summary>
    /// The checkpoint tie-break on <paramref name="steps"/>: this measure, or null when nothing is held out.
    /// </summary>
    public static Func<PolicyNetwork, double>? TieBreak(Demonstrations demos, int[] steps) =>
        steps.Length == 0 ? null : policy => Of(policy, demos, steps);

    /// <summary>
    /// The mean action error of <paramref name="policy"/> (evaluation mode, no gradients) over
    /// <paramref name="steps"/>.
    /// </summary>
    public static double Of(PolicyNetwork policy, Demonstrations demos, int[] steps, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Length == 0)
            throw new ArgumentException("HeldOutActionError: no held-out steps given.", nameof(steps));
        bool wasTraining = policy.IsTraining;
        policy.Eval();
        double total = 0;
        int width = demos.ActionSize;
        using (GradMode.NoGrad())
            for (int start = 0; start < steps.Length; start += batchSize)
            {
                var indices = steps.AsSpan(start, Math.Min(batchSize, steps.Length - start)).ToArray();
                var outputs = policy.Predict(PolicyBatch.FromDemonstrations(demos, indices)).Value;
                for (int r = 0; r < indices.Length; r++)
                {
                    var action = policy.ToAction(outputs, r);
                    double sum = 0;
                    for (int j = 0; j < width; j++)
                    {
                        double d = action[j] - demos.Actions[indices[r] * width + j];
                        sum += d * d;
                    }
                    total += Math.Sqrt(sum);
                }
            }
        policy.Train(wasTraining);
        return total / steps.Length;
    }
}

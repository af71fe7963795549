using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// Trains a full-precision policy to imitate the expert's (clean) action labels. With a validation fraction, whole
/// episodes are held out, training stops when their loss stops improving (patience) and the best epoch is returned.
/// </summary>
public static class BehaviourCloning
{
    /// <summary>
    /// Fits <paramref name="policy"/> to <paramref name="demos"/>; returns the loss per epoch and the epoch kept.
    /// </summary>
    public static TrainReport Train(PolicyNetwork policy, Demonstrations demos, TrainOptions options,
        IProgress<(int Epoch, double Loss)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        policy.FitNormalization(demos);
        return Continue(policy, demos, options, progress);
    }

    /// <summary>
    /// Trains <paramref name="policy"/> further without refitting its normalisation (the "FP + extra epochs" control:
    /// the students' extra epochs without quantization); <paramref name="validationScore"/> (higher is better), when
    /// given, picks the checkpoint, the starting point included, every <paramref name="checkEvery"/> epochs (exact
    /// ties: the lower held-out action error).
    /// </summary>
    public static TrainReport Continue(PolicyNetwork policy, Demonstrations demos, TrainOptions options,
        IProgress<(int Epoch, double Loss)>? progress = null,
        Func<PolicyNetwork, double>? validationScore = null, int checkEvery = 1)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(options);
        var split = DemonstrationSplit.Of(demos, options.ValidationFraction);
        BestCheckpoint? best = validationScore is not null
            ? new BestCheckpoint(policy, validationScore, higherIsBetter: true, checkEvery, options.Epochs,
                tieBreak: HeldOutActionError.TieBreak(demos, split.Validation))
            : split.Validation.Length > 0
                ? new BestCheckpoint(policy, p => DemonstrationSplit.Loss(p, demos, split.Validation),
                    higherIsBetter: false, 1, options.Epochs,
                    options.Patience, measureStart: false, options.MinEpochs)
                : null;
        var report = ImitationLoop.Run(policy, demos, options, lambda: 0, expertAlignment: null, extraAlignment: null,
            progress,
            split.Train, best is null ? null : best.AfterEpoch);
        if (best is null) return report;
        best.Restore();
        policy.Eval();
        return report with
        {
            ChosenEpoch = best.ChosenEpoch, Validation = best.Checks, TieDecided = best.TieDecided,
        };
    }
}

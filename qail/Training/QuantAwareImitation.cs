using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// QAIL: fine-tunes a fake-quantized student (from <see cref="Quantization.Quantizer.Prepare"/>) on the expert
/// demonstrations with the imitation loss plus, for QBC, lambda times its discrepancy to the frozen full-precision
/// teacher on the same states (SQIL: weighted by saliency). The on-policy variant then rolls the student out,
/// labels the states it visits with the teacher, and aligns there too: that is where compounding error lives.
/// </summary>
public static class QuantAwareImitation
{
    /// <summary>
    /// Fine-tunes <paramref name="student"/> in place; the teacher is only read. With
    /// <paramref name="validationScore"/> (higher is better, measured on episodes disjoint from the test episodes) the
    /// student measured at the start and every <paramref name="checkEvery"/> epochs is kept when best, so the result is
    /// never worse on validation than its start; an exact tie goes to the lower action error on the held-out
    /// demonstrations (ValidationFraction, never trained on); the report records the chosen epoch.
    /// </summary>
    public static TrainReport FineTune(PolicyNetwork student, PolicyNetwork teacher, Demonstrations demos,
        QailOptions options,
        IProgress<(int Epoch, double Loss)>? progress = null, Func<PolicyNetwork, double>? validationScore = null,
        int checkEvery = 1)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(demos);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (ReferenceEquals(student, teacher))
            throw new ArgumentException("FineTune: the student must be a copy, not the teacher itself.",
                nameof(student));

        AlignmentSet? expert = null;
        if (options.QbcWeight > 0)
        {
            var weights = options.Saliency
                ? Saliency.Weights(ScoresFor(options, teacher, demos), options.SaliencyTopFraction,
                    options.SaliencyBeta)
                : null;
            expert = AlignmentSet.Build(teacher, demos.Steps, idx => PolicyBatch.FromDemonstrations(demos, idx),
                weights);
        }
        var split = DemonstrationSplit.Of(demos, options.ValidationFraction);
        var best = validationScore is null ? null : new BestCheckpoint(student, validationScore, higherIsBetter: true,
            checkEvery, options.Epochs, tieBreak: HeldOutActionError.TieBreak(demos, split.Validation));
        var report = Train(student, teacher, demos, options, expert, split.Train, best, progress);
        if (best is null) return report;
        best.Restore();
        student.Eval();
        return report with
        {
            ChosenEpoch = best.ChosenEpoch, Validation = best.Checks, TieDecided = best.TieDecided,
        };
    }

    /// <summary>
    /// <paramref name="options"/> carrying the teacher's saliency scores on <paramref name="demos"/> when it is a SQIL
    /// run that lacks them, so every screen and the final run of one study reuse one computation (the masked forwards
    /// are most of a SQIL run's cost on images); otherwise <paramref name="options"/> itself.
    /// </summary>
    public static QailOptions WithSaliencyScores(QailOptions options, PolicyNetwork teacher, Demonstrations demos)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(demos);
        return options.Saliency && options.QbcWeight > 0 && options.SaliencyScores is null
            ? options with { SaliencyScores = Saliency.Scores(teacher, demos, options.SaliencyPatchSize) }
            : options;
    }

    private static float[] ScoresFor(QailOptions options, PolicyNetwork teacher, Demonstrations demos)
    {
        if (options.SaliencyScores is not { } scores) return Saliency.Scores(teacher, demos, options.SaliencyPatchSize);
        if (scores.Length != demos.Steps)
            throw new ArgumentException(
                $"FineTune: {scores.Length} precomputed saliency scores for {demos.Steps} demonstration steps.",
                nameof(options));
        return scores;
    }

    private static TrainReport Train(PolicyNetwork student, PolicyNetwork teacher, Demonstrations demos,
        QailOptions options, AlignmentSet? expert,
        int[] train, BestCheckpoint? best, IProgress<(int Epoch, double Loss)>? progress)
    {
        if (options.OnPolicyEpisodes == 0)
            return ImitationLoop.Run(student, demos, options, options.QbcWeight, expert, null, progress, train,
                best is null ? null : best.AfterEpoch);

        // Round 1 on expert states, then round 2 adds the states the partly fine-tuned student visits.
        var first = options with { Epochs = Math.Max(1, options.Epochs / 2) };
        var report1 = ImitationLoop.Run(student, demos, first, options.QbcWeight, expert, null, progress, train,
            best is null ? null : e => best.AfterEpoch(e));
        var visited = VisitedStates(student, options.OnPolicyEnv ?? demos.EnvName, options.OnPolicyEpisodes,
            (int)(options.Seed % int.MaxValue) + 7919);
        var onPolicy = AlignmentSet.Build(teacher, visited.Count,
            idx => PolicyBatch.FromObservations(idx.Select(i => visited[i]).ToArray(), student.Spec), null);
        var second = options with { Epochs = Math.Max(1, options.Epochs - first.Epochs), Seed = options.Seed + 1 };
        var offset = progress is null ? null : new OffsetProgress(progress, first.Epochs);
        var report2 = ImitationLoop.Run(student, demos, second, options.QbcWeight, expert, onPolicy, offset, train,
            best is null ? null : e => best.AfterEpoch(e + first.Epochs));
        return new TrainReport([.. report1.Loss, .. report2.Loss], [.. report1.ImitationLoss, .. report2.ImitationLoss],
            [.. report1.AlignmentLoss, .. report2.AlignmentLoss]);
    }

    // Round 2 reports epochs after round 1's, so progress keeps counting up.
    private sealed class OffsetProgress(IProgress<(int Epoch, double Loss)> inner,
        int offset) : IProgress<(int Epoch, double Loss)>
    {
        public void Report((int Epoch, double Loss) value) => inner.Report((value.Epoch + offset, value.Loss));
    }

    private static List<Observation> VisitedStates(PolicyNetwork student, string envName, int episodes, int seed)
    {
        var policy = new EvalModePolicy(student, "student");
        var states = new List<Observation>();
        var env = Env.Lookup(envName).Create();
        for (int e = 0; e < episodes; e++)
        {
            var observation = env.Reset(seed + e);
            while (true)
            {
                states.Add(observation);
                var step = env.Step(policy.Act(observation));
                if (step.Done) break;
                observation = step.Observation;
            }
        }
        return states;
    }
}

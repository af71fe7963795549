namespace Qail.Training;

/// <summary>
/// Quantization-aware fine-tuning settings. <see cref="QbcWeight"/> = 0 is plain QAT (imitation loss only);
/// &gt; 0 adds the QBC alignment to the frozen full-precision teacher; <see cref="Saliency"/> turns it into SQIL;
/// <see cref="OnPolicyEpisodes"/> &gt; 0 also aligns on states the quantized policy itself visits.
/// </summary>
public sealed record QailOptions : TrainOptions
{
    /// <summary>Creates the defaults for fine-tuning (a smaller learning rate than training from scratch).</summary>
    public QailOptions()
    {
        Epochs = 15;
        LearningRate = 3e-4;
    }

    /// <summary>lambda in L = L_QAT + lambda * L_QBC.</summary>
    public double QbcWeight { get; init; } = 1.0;

    /// <summary>
    /// Weight the alignment of mission-critical states (SQIL): top <see cref="SaliencyTopFraction"/> get
    /// <see cref="SaliencyBeta"/>.
    /// </summary>
    public bool Saliency { get; init; }

    /// <summary>SQIL's beta for the most salient states.</summary>
    public double SaliencyBeta { get; init; } = 2.0;

    /// <summary>Fraction of states counted as mission-critical.</summary>
    public double SaliencyTopFraction { get; init; } = 0.2;

    /// <summary>Side in pixels of the square image patches SQIL's saliency masks one at a time.</summary>
    public int SaliencyPatchSize { get; init; } = 8;

    /// <summary>
    /// The teacher's saliency score per demonstration step (<see cref="Training.Saliency.Scores"/>), computed once
    /// for every SQIL run on one teacher and its demonstrations (<see cref="QuantAwareImitation.WithSaliencyScores"/>);
    /// null: each fine-tuning run computes them itself. The weights still follow this record's beta and fraction.
    /// </summary>
    public float[]? SaliencyScores { get; init; }

    /// <summary>
    /// Episodes the quantized student rolls out (per round) to collect states labelled by the teacher; 0 turns the
    /// variant off.
    /// </summary>
    public int OnPolicyEpisodes { get; init; }

    /// <summary>Env the on-policy rollouts run in (the demonstrations' env when null).</summary>
    public string? OnPolicyEnv { get; init; }

    /// <inheritdoc/>
    public override void Validate()
    {
        base.Validate();
        if (!(QbcWeight >= 0))
            throw new ArgumentOutOfRangeException(nameof(QbcWeight), QbcWeight, "QBC weight must be >= 0.");
        if (!(SaliencyBeta >= 1))
            throw new ArgumentOutOfRangeException(nameof(SaliencyBeta), SaliencyBeta, "Saliency beta must be >= 1.");
        if (SaliencyTopFraction is <= 0 or > 1)
            throw new ArgumentOutOfRangeException(nameof(SaliencyTopFraction), SaliencyTopFraction,
                "Must lie in (0, 1].");
        if (SaliencyPatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(SaliencyPatchSize), SaliencyPatchSize, "Must be >= 1 pixel.");
        if (OnPolicyEpisodes < 0)
            throw new ArgumentOutOfRangeException(nameof(OnPolicyEpisodes), OnPolicyEpisodes, "Must be >= 0.");
        if ((Saliency || OnPolicyEpisodes > 0) && QbcWeight == 0)
            throw new ArgumentException(
                "Saliency weighting and on-policy alignment act on the QBC term; set QbcWeight > 0.");
    }
}

namespace Qail.Training;

/// <summary>Supervised training settings shared by behaviour cloning and quantization-aware fine-tuning.</summary>
public record TrainOptions
{
    /// <summary>Passes over the demonstrations.</summary>
    public int Epochs { get; init; } = 30;

    /// <summary>Samples per gradient step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Peak AdamW learning rate (after linear warm-up, then cosine decay to 5%).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 1e-4;

    /// <summary>Global gradient-norm clip.</summary>
    public double ClipNorm { get; init; } = 1.0;

    /// <summary>Seed of the minibatch order.</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Fraction of demonstration episodes (the last ones) held out from training; behaviour cloning stops when their
    /// imitation loss has not improved for <see cref="Patience"/> epochs and returns the best epoch's weights. 0: no
    /// split.
    /// </summary>
    public double ValidationFraction { get; init; }

    /// <summary>Epochs without a better validation loss before behaviour cloning stops.</summary>
    public int Patience { get; init; } = 15;

    /// <summary>
    /// Behaviour cloning never stops before this many epochs (patience only counts after it): a few epochs of noisy
    /// held-out loss at the warm-up's high learning rate must not end a teacher before its schedule has decayed.
    /// </summary>
    public int MinEpochs { get; init; }

    /// <summary>Throws naming the field when a setting is out of range.</summary>
    public virtual void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Need at least one epoch.");
        if (BatchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be positive.");
        if (!(LearningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate,
                "Learning rate must be positive.");
        if (!(WeightDecay >= 0))
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be >= 0.");
        if (ValidationFraction is < 0 or >= 1 || double.IsNaN(ValidationFraction))
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction,
                "Validation fraction must lie in [0, 1).");
        if (Patience < 1)
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, "Patience must be at least one epoch.");
        if (MinEpochs < 0)
            throw new ArgumentOutOfRangeException(nameof(MinEpochs), MinEpochs, "Minimum epochs must be >= 0.");
        if (!(ClipNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "Clip norm must be positive.");
    }
}

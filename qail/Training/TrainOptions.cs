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

    /// <summary>Throws naming the field when a setting is out of range.</summary>
    public virtual void Validate()
    {
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "Need at least one epoch.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be positive.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Learning rate must be positive.");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay must be >= 0.");
        if (!(ClipNorm > 0)) throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "Clip norm must be positive.");
    }
}

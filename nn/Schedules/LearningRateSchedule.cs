namespace Qail.Nn;

/// <summary>
/// A learning-rate multiplier as a function of the optimizer step (0-based); <see cref="Apply"/> sets every
/// parameter group's rate to its base rate times the multiplier, so groups keep their ratios.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The multiplier at <paramref name="step"/> (>= 0).</summary>
    public abstract double Factor(long step);

    /// <summary>
    /// Sets each group's <see cref="ParameterGroup.LearningRate"/> to BaseLearningRate * Factor(step).
    /// </summary>
    public void Apply(Optimizer optimizer, long step)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        double factor = Factor(step);
        foreach (var group in optimizer.Groups) group.LearningRate = group.BaseLearningRate * factor;
    }

    /// <summary>Throws for a negative step.</summary>
    protected static void CheckStep(long step)
    {
        if (step < 0)
            throw new ArgumentOutOfRangeException(nameof(step), step,
                "Learning-rate schedule: step must be non-negative.");
    }
}

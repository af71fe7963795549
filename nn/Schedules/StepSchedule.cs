namespace Qail.Nn;

/// <summary>
/// Multiplies the rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps: factor = gamma^floor(step /
/// stepSize).
/// </summary>
public sealed class StepSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; stepSize must be positive and gamma in (0, 1].</summary>
    public StepSchedule(long stepSize, double gamma)
    {
        if (stepSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize,
                "StepSchedule: stepSize must be positive.");
        if (!(gamma > 0 && gamma <= 1))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "StepSchedule: gamma must lie in (0, 1].");
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Steps between decays.</summary>
    public long StepSize { get; }

    /// <summary>Decay per period.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double Factor(long step)
    {
        CheckStep(step);
        return Math.Pow(Gamma, step / StepSize);
    }
}

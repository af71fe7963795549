namespace Qail.Nn;

/// <summary>
/// Linear warm-up from 1/warmupSteps to 1 over the first <see cref="WarmupSteps"/> steps, then a half cosine from 1
/// down to <see cref="MinFactor"/> at <see cref="TotalSteps"/>, and <see cref="MinFactor"/> after that.
/// </summary>
public sealed class WarmupCosineSchedule : LearningRateSchedule
{
    /// <summary>Creates the schedule; 0 &lt;= warmupSteps &lt; totalSteps and minFactor in [0, 1].</summary>
    public WarmupCosineSchedule(long warmupSteps, long totalSteps, double minFactor = 0)
    {
        if (warmupSteps < 0 || totalSteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps,
                $"WarmupCosineSchedule: need 0 <= warmupSteps ({warmupSteps}) < totalSteps ({totalSteps}).");
        if (!(minFactor >= 0 && minFactor <= 1))
            throw new ArgumentOutOfRangeException(nameof(minFactor), minFactor,
                "WarmupCosineSchedule: minFactor must lie in [0, 1].");
        WarmupSteps = warmupSteps;
        TotalSteps = totalSteps;
        MinFactor = minFactor;
    }

    /// <summary>Steps of linear warm-up.</summary>
    public long WarmupSteps { get; }

    /// <summary>Step at which the cosine reaches its floor.</summary>
    public long TotalSteps { get; }

    /// <summary>The floor, as a fraction of the base rate.</summary>
    public double MinFactor { get; }

    /// <inheritdoc/>
    public override double Factor(long step)
    {
        CheckStep(step);
        if (step < WarmupSteps) return (step + 1) / (double)WarmupSteps;
        if (step >= TotalSteps) return MinFactor;
        double progress = (step - WarmupSteps) / (double)(TotalSteps - WarmupSteps);
        return MinFactor + (1 - MinFactor) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }
}

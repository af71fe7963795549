namespace Qail.Nn;

/// <summary>The base learning rate at every step.</summary>
public sealed class ConstantSchedule : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double Factor(long step)
    {
        CheckStep(step);
        return 1.0;
    }
}

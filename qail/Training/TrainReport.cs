namespace Qail.Training;

/// <summary>Mean training loss per epoch (total, and its imitation and alignment parts).</summary>
public sealed record TrainReport(IReadOnlyList<double> Loss, IReadOnlyList<double> ImitationLoss, IReadOnlyList<double> AlignmentLoss)
{
    /// <summary>Loss of the last epoch.</summary>
    public double FinalLoss => Loss[^1];
}

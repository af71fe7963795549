namespace Qail.Training;

/// <summary>
/// Mean training loss per epoch (total, and its imitation and alignment parts), and what validation chose:
/// <paramref name="ChosenEpoch"/> is the epoch whose weights were returned (0: the starting point), null when
/// nothing was chosen (the last epoch's weights); <paramref name="Validation"/> holds (epoch, value) of every check
/// (held-out demonstration loss for behaviour cloning, validation-episode return for fine-tuning);
/// <paramref name="TieDecided"/>: the chosen checkpoint tied on validation return and won on held-out action error.
/// </summary>
public sealed record TrainReport(IReadOnlyList<double> Loss, IReadOnlyList<double> ImitationLoss,
    IReadOnlyList<double> AlignmentLoss,
    int? ChosenEpoch = null, IReadOnlyList<(int Epoch, double Value)>? Validation = null, bool TieDecided = false)
{
    /// <summary>Loss of the last epoch.</summary>
    public double FinalLoss => Loss[^1];

    /// <summary>Epochs actually trained (fewer than asked when stopped early).</summary>
    public int EpochsRun => Loss.Count;
}

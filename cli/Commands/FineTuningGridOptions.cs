using System.CommandLine;
using Qail.Experiments;

namespace Qail.Cli.Commands;

/// <summary>
/// `--learning-rates`, `--qbc-weights` and `--screen-epochs`: the grid every fine-tuned method (and the FP control)
/// screens on validation episodes before its full run (<see cref="FineTuningChoice"/>); one value each runs no screen.
/// </summary>
internal sealed class FineTuningGridOptions
{
    private FineTuningGridOptions(IReadOnlyList<double> learningRates, IReadOnlyList<double> qbcWeights,
        int screenEpochs)
    {
        LearningRates = new Option<double[]>("--learning-rates")
        {
            Description = "Fine-tuning learning rates screened on validation episodes.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. learningRates],
        }.Check(Positive, "must be one or more positive numbers");
        QbcWeights = new Option<double[]>("--qbc-weights")
        {
            Description = "QBC weights (lambda) screened with every learning rate for QAIL+QBC, SQIL and on-policy.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [.. qbcWeights],
        }.Check(Positive, "must be one or more positive numbers");
        ScreenEpochs = new Option<int>("--screen-epochs")
        {
            Description = "Epochs of each screening run (scored by validation return at its end).",
            DefaultValueFactory = _ => screenEpochs,
        }.Within(1, OptionLimits.Epochs);
    }

    /// <summary>The learning rates option.</summary>
    public Option<double[]> LearningRates { get; }

    /// <summary>The QBC weights option.</summary>
    public Option<double[]> QbcWeights { get; }

    /// <summary>The screen length option.</summary>
    public Option<int> ScreenEpochs { get; }

    /// <summary>The three options, for a command's option list.</summary>
    public IEnumerable<Option> All => [LearningRates, QbcWeights, ScreenEpochs];

    /// <summary>Options defaulting to <see cref="StudyOptions"/>' grid (`qail study`).</summary>
    public static FineTuningGridOptions StudyDefaults()
    {
        var defaults = new StudyOptions();
        return new FineTuningGridOptions(defaults.LearningRates, defaults.QbcWeights, defaults.ScreenEpochs);
    }

    /// <summary>Options with the given defaults (`qail demo`'s smaller grid).</summary>
    public static FineTuningGridOptions With(IReadOnlyList<double> learningRates, IReadOnlyList<double> qbcWeights,
        int screenEpochs) => new(learningRates, qbcWeights, screenEpochs);

    private static bool Positive(double[] values) =>
        values is { Length: > 0 } && values.All(x => x > 0 && double.IsFinite(x));

    /// <summary><paramref name="options"/> with the parsed grid.</summary>
    public StudyOptions Apply(StudyOptions options, ParseResult result) => options with
    {
        LearningRates = result.GetValue(LearningRates)!,
        QbcWeights = result.GetValue(QbcWeights)!,
        ScreenEpochs = result.GetValue(ScreenEpochs),
    };
}

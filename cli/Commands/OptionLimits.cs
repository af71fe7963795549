namespace Qail.Cli.Commands;

/// <summary>
/// Upper bounds on counts given on the command line, stated in each option's error: far above any study's needs,
/// low enough that no count can overflow a schedule or ask for more memory than a machine has.
/// </summary>
internal static class OptionLimits
{
    /// <summary>Episodes to collect or evaluate.</summary>
    public const int Episodes = 100_000;

    /// <summary>Control steps of one episode (`--steps`; every built-in env ends its episodes well before).</summary>
    public const int EpisodeSteps = 1_000_000;

    /// <summary>Training or fine-tuning epochs.</summary>
    public const int Epochs = 10_000;

    /// <summary>Samples per gradient step.</summary>
    public const int BatchSize = 65_536;

    /// <summary>Timed calls per policy in `qail bench`.</summary>
    public const int Iterations = 10_000_000;

    /// <summary>Training seeds of one `qail demo`.</summary>
    public const int TrainingSeeds = 100;

    /// <summary>Weight group size.</summary>
    public const int GroupSize = 1 << 16;

    /// <summary>Frames kept in a rendered strip.</summary>
    public const int StripFrames = 1_000;
}

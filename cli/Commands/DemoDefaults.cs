using Qail.Quantization;

namespace Qail.Cli.Commands;

/// <summary>
/// The settings `qail demo` runs with when given no options: a task and bit width at which the papers' effect
/// (PTQ loses closed-loop return, QAIL+QBC recovers it) shows at small scale, within the 10-minute budget on 2 cores.
/// Data and training sizes depend on the env's domain (<see cref="For"/>).
/// </summary>
internal static class DemoDefaults
{
    public const string Env = "pendulum-swingup";
    public const int Bits = 2;
    public const QuantGranularity Granularity = QuantGranularity.PerChannel;
    public const int EvalEpisodes = 20;
    public const int ValidationEpisodes = 3;
    public const int CheckpointEvery = 5;

    /// <summary>The demo's rows: both PTQ baselines, then QAT and the papers' two methods (`qail study` adds GPTQ).</summary>
    public static IReadOnlyList<Experiments.QuantMethod> Methods { get; } =
    [
        Experiments.QuantMethod.PtqMinMax, Experiments.QuantMethod.Ptq,
        Experiments.QuantMethod.Qat, Experiments.QuantMethod.QailQbc, Experiments.QuantMethod.Sqil,
    ];
    public const int FineTuneEpochs = 10;

    /// <summary>
    /// The demo's smaller screen (the study's is 3 learning rates x 3 QBC weights): learning rates only, QBC weight 1,
    /// 2-epoch screens, so the demo stays within its time budget.
    /// </summary>
    public static IReadOnlyList<double> LearningRates { get; } = [1e-4, 3e-4, 1e-3];

    /// <summary>The demo's QBC weight (one value: not screened).</summary>
    public static IReadOnlyList<double> QbcWeights { get; } = [1.0];

    /// <summary>Epochs of each demo screening run.</summary>
    public const int ScreenEpochs = 2;

    /// <summary>State-vector and driving envs: small MLP/CILRS data sets, large batches.</summary>
    public static DemoRecipe General { get; } = new(DemoEpisodes: 40, Noise: 0.1, Epochs: 60, BatchSize: 256);

    /// <summary>
    /// LIBERO-like manipulation (the VLA): episodes are short (~30 steps), so 320 of them (more episodes beat more
    /// epochs at the same training cost); small batches, because a 256-bin head needs many optimizer steps (batch 256
    /// gave 18 steps an epoch and a policy that ignored its inputs). DART noise stays 0.1: 0.3 doubled the episode
    /// length and left the policy worse at the same training time.
    /// </summary>
    public static DemoRecipe Manipulation { get; } = new(DemoEpisodes: 320, Noise: 0.1, Epochs: 10, BatchSize: 32);

    /// <summary>The recipe for a registered env name: <see cref="Manipulation"/> for the libero-* suites, else <see cref="General"/>.</summary>
    public static DemoRecipe For(string env) => env.StartsWith("libero-", StringComparison.Ordinal) ? Manipulation : General;
}

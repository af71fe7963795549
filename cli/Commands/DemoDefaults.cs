using Qail.Quantization;

namespace Qail.Cli.Commands;

/// <summary>
/// The settings `qail demo` runs with when given no options: a task and bit width at which the papers' effect
/// (PTQ loses closed-loop return, QAIL+QBC recovers it) shows at small scale, within 3 minutes on 2 cores (the image
/// envs' recipes within 15). Cart-pole swing-up at W2: in the study's 3 training seeds the best-clip PTQ keeps 352 of
/// FP's 853 and QAIL+QBC 853; on pendulum, the default before, best-clip PTQ already keeps 99% at W2.
/// Data and training sizes depend on the env's domain (<see cref="For"/>).
/// </summary>
internal static class DemoDefaults
{
    public const string Env = "cartpole-swingup";
    public const int Bits = 2;
    public const QuantGranularity Granularity = QuantGranularity.PerChannel;
    public const int EvalEpisodes = 20;
    public const int ValidationEpisodes = 3;
    /// <summary>
    /// The demo's rows: both PTQ baselines, then QAT and the papers' two methods (`qail study` adds GPTQ).
    /// </summary>
    public static IReadOnlyList<Experiments.QuantMethod> Methods { get; } =
    [
        Experiments.QuantMethod.PtqMinMax, Experiments.QuantMethod.Ptq,
        Experiments.QuantMethod.Qat, Experiments.QuantMethod.QailQbc, Experiments.QuantMethod.Sqil,
    ];

    /// <summary>Fine-tuning epochs of the state-vector recipe (`qail study`'s default too).</summary>
    public const int FineTuneEpochs = 10;

    /// <summary>The demo's QBC weight (one value: not screened; the study screens 0.3, 1 and 3).</summary>
    public static IReadOnlyList<double> QbcWeights { get; } = [1.0];

    /// <summary>
    /// State-vector envs: small MLP data sets, large batches; every fine-tuned method and the FP control screen the
    /// study's three learning rates (QBC weight 1, 2-epoch screens) before a 10-epoch run.
    /// </summary>
    public static DemoRecipe General { get; } = new(DemoEpisodes: 40, Noise: 0.1, Epochs: 60, BatchSize: 256,
        FineTuneEpochs: FineTuneEpochs, LearningRates: [1e-4, 3e-4, 1e-3], ScreenEpochs: 2, CheckpointEvery: 5);

    /// <summary>
    /// Driving (the CILRS CNN, about 20 s of CPU an epoch): the teacher trains to convergence (early stopping on
    /// held-out episodes after 5 epochs without a better validation loss, up to 60 epochs; it kept epoch 26 of 31;
    /// the study's patience of 15 would add about 10 epochs), about half of the 15-minute budget on 2 cores; so
    /// the screens are the ends of the study's learning-rate grid, one epoch each, the fine-tuning (and the FP
    /// control) runs 3 epochs scored on validation episodes at the start and after every epoch, and SQIL's saliency
    /// masks 16-pixel patches (16 masks; the study's 8-pixel patches give 64 and cost four times as much).
    /// </summary>
    public static DemoRecipe Driving { get; } = General with
    {
        FineTuneEpochs = 3, LearningRates = [1e-4, 1e-3], ScreenEpochs = 1, CheckpointEvery = 1, SaliencyPatch = 16,
        Patience = 5, MinEpochs = 0,
    };

    /// <summary>
    /// LIBERO-like manipulation (the VLA): episodes are short (~30 steps), so 320 of them (more episodes beat more
    /// epochs at the same training cost); small batches, because a 256-bin head needs many optimizer steps (batch 256
    /// gave 18 steps an epoch and a policy that ignored its inputs). DART noise stays 0.1: 0.3 doubled the episode
    /// length and left the policy worse at the same training time. Up to 30 epochs, early-stopped on held-out
    /// episodes; screens, fine-tuning and saliency patches as in the <see cref="Driving"/> recipe.
    /// </summary>
    public static DemoRecipe Manipulation { get; } = Driving with { DemoEpisodes = 320, Epochs = 30, BatchSize = 32 };

    /// <summary>The recipe of an env: <see cref="Manipulation"/> (libero-*), <see cref="Driving"/> (driving-*), else
    /// <see cref="General"/>.</summary>
    public static DemoRecipe For(string env) =>
        env.StartsWith("libero-", StringComparison.Ordinal) ? Manipulation
        : env.StartsWith("driving-", StringComparison.Ordinal) ? Driving
        : General;
}

using Qail.Quantization;
using Qail.Training;

namespace Qail.Experiments;

/// <summary>Everything one FP-versus-quantized study needs: env, data sizes, model, config, methods, seeds.</summary>
public sealed record StudyOptions
{
    /// <summary>Registered env name.</summary>
    public string Env { get; init; } = "cartpole-balance";

    /// <summary>Expert episodes to imitate (the last tenth held out for the teacher's early stopping).</summary>
    public int DemoEpisodes { get; init; } = 40;

    /// <summary>
    /// Seed of the demonstration episodes; null for the training seed's own. One fixed set for every training seed
    /// (a fixed dataset, as the papers') saves a slow expert's time; the seeds then differ in everything else.
    /// </summary>
    public int? DemoSeed { get; init; }

    /// <summary>The seed the demonstrations are drawn from.</summary>
    public int DemonstrationSeed => DemoSeed ?? Seed;

    /// <summary>DART noise added to executed expert actions (labels stay clean).</summary>
    public double DemoNoise { get; init; } = 0.1;

    /// <summary>
    /// DAgger rounds after cloning the demonstrations (0: behaviour cloning alone): each runs the current teacher for
    /// <see cref="DaggerEpisodes"/> episodes, labels the states it visits with the expert and retrains; the round with
    /// the best validation return gives the teacher, and what it trained on is every method's data. For experts a
    /// policy cannot clone from their own episodes alone (MuJoCo planners).
    /// </summary>
    public int DaggerRounds { get; init; }

    /// <summary>Episodes of the current teacher each DAgger round adds.</summary>
    public int DaggerEpisodes { get; init; } = 10;

    /// <summary>Episodes of the seed stream the demonstrations and DAgger's rounds reset from.</summary>
    public int TrainingEpisodes => DemoEpisodes + DaggerRounds * DaggerEpisodes;

    /// <summary>
    /// Closed-loop test episodes per policy (seeds from <see cref="Evaluation.SeedRanges.TestBase"/>).
    /// </summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>
    /// Validation episodes (seeds from <see cref="Evaluation.SeedRanges.ValidationBase"/>) that choose fine-tuning
    /// checkpoints.
    /// </summary>
    public int ValidationEpisodes { get; init; } = 10;

    /// <summary>
    /// Fine-tuning checkpoints are measured on the validation episodes every this many epochs (and at the start and
    /// end).
    /// </summary>
    public int CheckpointEvery { get; init; } = 2;

    /// <summary>Also evaluate the expert and the "FP + extra epochs" control on the same test seeds.</summary>
    public bool Controls { get; init; } = true;

    /// <summary>
    /// Test episodes of the expert's row, the first of the test seeds; null for all <see cref="EvalEpisodes"/>. Slow
    /// experts (MuJoCo planners: seconds an episode step, hours for 100 episodes) take fewer.
    /// </summary>
    public int? ExpertEpisodes { get; init; }

    /// <summary>The expert row's episode count.</summary>
    public int ExpertTestEpisodes => ExpertEpisodes ?? EvalEpisodes;

    /// <summary>Hidden widths of the MLP policy.</summary>
    public int[] Hidden { get; init; } = [256, 256];

    /// <summary>Quantization to study.</summary>
    public QuantConfig Config { get; init; } = QuantConfig.W4(groupSize: 32);

    /// <summary>Methods to compare with the full-precision policy.</summary>
    public IReadOnlyList<QuantMethod> Methods { get; init; } =
        [QuantMethod.PtqMinMax, QuantMethod.Ptq, QuantMethod.Gptq, QuantMethod.Awq, QuantMethod.Qat,
            QuantMethod.QailQbc, QuantMethod.Sqil];

    /// <summary>
    /// Behaviour-cloning settings of the full-precision policy: at most 60 epochs, early-stopped on held-out episodes'
    /// loss after 15 epochs without improvement, never before epoch 20 (patience 5 stopped a seed-100 teacher at epoch
    /// 9).
    /// </summary>
    public TrainOptions Training { get; init; } = new() { Epochs = 60, ValidationFraction = 0.1, Patience = 15,
        MinEpochs = 20 };

    /// <summary>Fine-tuning settings shared by the QAT-family methods (QbcWeight is set per method).</summary>
    public QailOptions FineTuning { get; init; } = new() { ValidationFraction = 0.1 };

    /// <summary>
    /// Learning rates screened for every fine-tuned method and the FP control (chosen on validation episodes).
    /// </summary>
    public IReadOnlyList<double> LearningRates { get; init; } = [1e-4, 3e-4, 1e-3];

    /// <summary>
    /// QBC weights (lambda) screened for the aligned methods (QAIL+QBC, SQIL, on-policy), with every learning rate.
    /// </summary>
    public IReadOnlyList<double> QbcWeights { get; init; } = [0.3, 1, 3];

    /// <summary>
    /// Epochs of each screening run (at most <see cref="FineTuning"/>'s; scored by validation return at its end).
    /// </summary>
    public int ScreenEpochs { get; init; } = 3;

    /// <summary>
    /// Seed of the training run: demonstrations, initialisation, batches (never of the test episodes).
    /// </summary>
    public int Seed { get; init; }
}

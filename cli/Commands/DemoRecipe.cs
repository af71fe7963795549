namespace Qail.Cli.Commands;

/// <summary>
/// Per-domain `qail demo` sizes: expert episodes, DART noise, most behaviour-cloning epochs (early-stopped) and batch
/// size (also used for fine-tuning), then the fine-tuning epochs, the learning rates each fine-tuned method and the FP
/// control screen, the length of each screen, how often a fine-tuning checkpoint is scored on validation episodes and
/// the side of the image patches SQIL's saliency masks, and the teacher's early stopping (patience, least epochs).
/// </summary>
internal sealed record DemoRecipe(int DemoEpisodes, double Noise, int Epochs, int BatchSize, int FineTuneEpochs,
    IReadOnlyList<double> LearningRates, int ScreenEpochs, int CheckpointEvery, int SaliencyPatch = 8,
    int Patience = 15,
    int MinEpochs = 20);

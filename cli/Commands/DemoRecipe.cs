namespace Qail.Cli.Commands;

/// <summary>Per-domain `qail demo` sizes: expert episodes, DART noise, behaviour-cloning epochs and batch size (also used for fine-tuning).</summary>
internal sealed record DemoRecipe(int DemoEpisodes, double Noise, int Epochs, int BatchSize);

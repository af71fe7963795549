using Qail.Quantization;

namespace Qail.Cli.Commands;

/// <summary>
/// The settings `qail demo` runs with when given no options: a task and bit width at which the papers' effect
/// (PTQ loses closed-loop return, QAIL+QBC recovers it) shows at small scale, within the 10-minute budget on 2 cores.
/// </summary>
internal static class DemoDefaults
{
    public const string Env = "pendulum-swingup";
    public const int Bits = 2;
    public const QuantGranularity Granularity = QuantGranularity.PerChannel;
    public const int DemoEpisodes = 40;
    public const int EvalEpisodes = 20;
    public const int Epochs = 20;
    public const int FineTuneEpochs = 10;
}

using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// Watches a training run's per-epoch losses: prints them, and turns a non-finite loss (reported for an epoch, or
/// found by the training loop at a step) into one error naming the epoch and the loss. The caller writes its output
/// only after training returns, so a diverged run leaves the file at --out as it was.
/// </summary>
internal sealed class Divergence(IAnsiConsole console, string stage, int epochs, string output)
    : IProgress<(int Epoch, double Loss)>
{
    private int _lastEpoch;

    public void Report((int Epoch, double Loss) value)
    {
        if (!double.IsFinite(value.Loss)) throw Diverged(value.Epoch, $"loss {value.Loss}");
        _lastEpoch = value.Epoch;
        console.MarkupLine($"  epoch {value.Epoch}/{epochs}: loss {value.Loss:G4}");
    }

    /// <summary>
    /// Runs <paramref name="train"/> with this as its progress, restating a divergence it reports as an
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public T Run<T>(Func<IProgress<(int Epoch, double Loss)>, T> train)
    {
        try
        {
            return train(this);
        }
        // The training loop stops at the first non-finite step loss with this message (ImitationLoop).
        catch (InvalidOperationException e) when (e.Message.Contains("diverged", StringComparison.Ordinal))
        {
            throw Diverged(_lastEpoch + 1, e.Message);
        }
    }

    private ArgumentException Diverged(int epoch, string detail) =>
        new($"{stage} diverged in epoch {epoch} ({detail.TrimEnd('.')}); '{output}' was left as it was; " +
            "lower the learning rate.");
}

using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// Watches a training run's per-epoch losses: prints them, and turns a non-finite loss (reported for an epoch, or
/// found by the training loop at a step) into one error naming the epoch and the loss. The caller writes its output
/// only after training returns, so a diverged run leaves the file at --out as it was; when the caller can save the
/// model, each good epoch is kept beside it (<see cref="LastGoodPath"/>), so a divergence loses no finished epoch.
/// </summary>
internal sealed class Divergence(IAnsiConsole console, string stage, int epochs, string output,
    Action<string>? saveLastGood = null) : IProgress<(int Epoch, double Loss)>
{
    private int _lastEpoch;

    /// <summary>Where the last good epoch's model is kept while training runs: "{out stem}.last-good{ext}".</summary>
    public string LastGoodPath { get; } = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(output))!,
        Path.GetFileNameWithoutExtension(output) + ".last-good" + Path.GetExtension(output));

    public void Report((int Epoch, double Loss) value)
    {
        if (!double.IsFinite(value.Loss)) throw Diverged(value.Epoch, $"loss {value.Loss}");
        _lastEpoch = value.Epoch;
        saveLastGood?.Invoke(LastGoodPath);
        console.MarkupLine($"  epoch {value.Epoch}/{epochs}: loss {value.Loss:G4}");
    }

    /// <summary>
    /// Runs <paramref name="train"/> with this as its progress, restating a divergence it reports as an
    /// <see cref="ArgumentException"/>; after a run that ends well the last-good file is removed.
    /// </summary>
    public T Run<T>(Func<IProgress<(int Epoch, double Loss)>, T> train)
    {
        T result;
        try
        {
            result = train(this);
        }
        // The training loop stops at the first non-finite step loss with this message (ImitationLoop).
        catch (InvalidOperationException e) when (e.Message.Contains("diverged", StringComparison.Ordinal))
        {
            throw Diverged(_lastEpoch + 1, e.Message);
        }
        if (saveLastGood is not null) File.Delete(LastGoodPath);
        return result;
    }

    private ArgumentException Diverged(int epoch, string detail)
    {
        string kept = saveLastGood is not null && _lastEpoch > 0
            ? $"the last good epoch ({_lastEpoch}) is in '{LastGoodPath}'; "
            : "";
        return new($"{stage} diverged in epoch {epoch} ({detail.TrimEnd('.')}); '{output}' was left as it was; " +
            kept + "lower the learning rate.");
    }
}

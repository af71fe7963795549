using Qail.Cli.Commands;
using Spectre.Console;

namespace Qail.Cli.Tests.Hostile;

/// <summary>
/// A run that diverges after good epochs keeps the last good one beside --out; a run that ends well leaves none.
/// </summary>
public sealed class DivergenceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-divergence-").FullName;

    [Fact]
    public void DivergenceAfterGoodEpochs_KeepsTheLastGoodEpoch_AndNamesIt()
    {
        string output = Path.Combine(_folder, "policy.safetensors");
        var saved = new List<int>();
        int epoch = 0;
        var divergence = new Divergence(Silent(), "training", 3, output, path =>
        {
            File.WriteAllBytes(path, [(byte)epoch]);
            saved.Add(epoch);
        });
        var error = Assert.Throws<ArgumentException>(() => divergence.Run<int>(progress =>
        {
            progress.Report((epoch = 1, 0.5));
            progress.Report((epoch = 2, 0.25));
            progress.Report((epoch = 3, double.NaN));
            return 0;
        }));
        Assert.Contains("diverged in epoch 3", error.Message);
        Assert.Contains($"the last good epoch (2) is in '{divergence.LastGoodPath}'", error.Message);
        Assert.Equal([1, 2], saved);
        Assert.Equal([2], File.ReadAllBytes(divergence.LastGoodPath));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ARunThatEndsWell_LeavesNoLastGoodFile()
    {
        string output = Path.Combine(_folder, "policy.safetensors");
        var divergence = new Divergence(Silent(), "training", 1, output, path => File.WriteAllBytes(path, [1]));
        Assert.Equal(7, divergence.Run(progress =>
        {
            progress.Report((1, 0.5));
            return 7;
        }));
        Assert.False(File.Exists(divergence.LastGoodPath));
        Assert.Equal(Path.Combine(_folder, "policy.last-good.safetensors"), divergence.LastGoodPath);
    }

    private static IAnsiConsole Silent() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

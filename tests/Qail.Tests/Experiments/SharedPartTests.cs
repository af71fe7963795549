using Qail.Evaluation;
using Qail.Experiments;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Experiments;

/// <summary>
/// The config-independent part of a study (teacher, FP32, expert and control rows, SQIL's saliency) computed once and
/// reused across bit configs, from memory and from disk, gives the same cell files as recomputing it per cell; a
/// changed option never reuses an entry, and a damaged entry is recomputed.
/// </summary>
public sealed class SharedPartTests : IDisposable
{
    private static readonly StudyOptions Tiny = new()
    {
        Env = "pendulum-swingup",
        DemoEpisodes = 3,
        EvalEpisodes = 2,
        ValidationEpisodes = 1,
        CheckpointEvery = 1,
        Hidden = [32, 32],
        Training = new TrainOptions { Epochs = 3, ValidationFraction = 0.34, Patience = 1, MinEpochs = 1 },
        FineTuning = new QailOptions { Epochs = 1, ValidationFraction = 0.34 },
        LearningRates = [1e-3],
        QbcWeights = [1],
        ScreenEpochs = 1,
        Methods = [QuantMethod.Ptq, QuantMethod.Sqil],
        Seed = 0,
    };

    private static readonly (string Name, QuantConfig Config)[] Configs =
        [("W2", QuantConfig.WeightOnly(2)), ("W4", QuantConfig.WeightOnly(4))];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "qail-shared-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void SharedPartGivesTheSameCellsFromMemoryAndDiskAndRecomputesADamagedEntry()
    {
        string root = Path.Combine(_folder, "shared");
        var alone = Configs.Select(c => Cell(c, null, out _)).ToList();

        var cache = new SharedPartCache(root);
        Assert.Equal(alone[0], Cell(Configs[0], cache, out var first));
        Assert.DoesNotContain(first, l => l.Contains("reused", StringComparison.Ordinal));
        Assert.Equal(alone[1], Cell(Configs[1], cache, out var second));
        Assert.Contains(second, l => l.StartsWith("train FP: teacher reused from memory", StringComparison.Ordinal));
        Assert.Contains(second, l => l.StartsWith("saliency SQIL: reused from memory", StringComparison.Ordinal));
        // The kept-epoch note is the one the teacher's own training wrote.
        Assert.Contains(second, l => l.StartsWith("train FP: teacher reused from memory: ", StringComparison.Ordinal)
            && l.EndsWith(alone[1].Split('\n').First(r => r.StartsWith("row\tFP32", StringComparison.Ordinal))
                .Split('\t')[6], StringComparison.Ordinal));

        string entry = Assert.Single(Directory.GetDirectories(root));
        Assert.StartsWith("pendulum-swingup__s0__", Path.GetFileName(entry), StringComparison.Ordinal);
        Assert.Equal(alone[1], Cell(Configs[1], new SharedPartCache(root), out var resumed));
        Assert.Contains(resumed,
            l => l.StartsWith($"train FP: teacher reused from {entry}: ", StringComparison.Ordinal));
        Assert.Contains(resumed, l => l == $"saliency SQIL: reused from {entry}");

        // A changed byte in the teacher's checkpoint: one line, recomputed, same cell.
        string teacher = Path.Combine(entry, "teacher.safetensors");
        var bytes = File.ReadAllBytes(teacher);
        bytes[^5] ^= 1;
        File.WriteAllBytes(teacher, bytes);
        Assert.Equal(alone[0], Cell(Configs[0], new SharedPartCache(root), out var damaged));
        var fault = Assert.Single(damaged,
            l => l.StartsWith($"shared part: entry {entry}: ", StringComparison.Ordinal));
        Assert.EndsWith("; recomputing", fault, StringComparison.Ordinal);
        Assert.DoesNotContain(damaged, l => l.StartsWith("train FP: teacher reused", StringComparison.Ordinal));

        // An entry whose key text is not this study's (a hash collision, an edited file) is never taken.
        string text = Path.Combine(entry, "entry.txt");
        File.WriteAllText(text, File.ReadAllText(text).Replace("ScreenEpochs = 1", "ScreenEpochs = 2"));
        Assert.Equal(alone[1], Cell(Configs[1], new SharedPartCache(root), out var mismatched));
        Assert.Contains(mismatched, l => l.EndsWith("was written for other options or another build; recomputing",
            StringComparison.Ordinal));
    }

    [Fact]
    public void AChangedOptionNeverReusesAnEntry()
    {
        var key = SharedPartKey.Of(Tiny);
        // Only the bit config and the methods may change and still share the part.
        Assert.Equal(key, SharedPartKey.Of(Tiny with
        {
            Config = QuantConfig.Create(4, QuantGranularity.PerChannel, 32, 4), Methods = [QuantMethod.Qat],
        }));
        var changed = new[]
        {
            Tiny with { DemoEpisodes = 4 }, Tiny with { DemoNoise = 0.2 }, Tiny with { EvalEpisodes = 3 },
            Tiny with { ValidationEpisodes = 2 }, Tiny with { CheckpointEvery = 2 }, Tiny with { Controls = false },
            Tiny with { Hidden = [32, 64] }, Tiny with { Seed = 100 }, Tiny with { ScreenEpochs = 2 },
            Tiny with { LearningRates = [3e-4] }, Tiny with { QbcWeights = [3] },
            Tiny with { Training = Tiny.Training with { Epochs = 4 } },
            Tiny with { Training = Tiny.Training with { Patience = 2 } },
            Tiny with { Training = Tiny.Training with { MinEpochs = 2 } },
            Tiny with { Training = Tiny.Training with { ValidationFraction = 0.5 } },
            Tiny with { Training = Tiny.Training with { BatchSize = 64 } },
            Tiny with { FineTuning = Tiny.FineTuning with { Epochs = 2 } },
            Tiny with { FineTuning = Tiny.FineTuning with { LearningRate = 1e-4 } },
            Tiny with { FineTuning = Tiny.FineTuning with { SaliencyPatchSize = 4 } },
            Tiny with { Env = "cartpole-swingup" }, Tiny with { ExpertEpisodes = 1 }, Tiny with { DemoSeed = 100 },
            Tiny with { DaggerRounds = 1 }, Tiny with { DaggerEpisodes = 2 },
        }.Select(SharedPartKey.Of).ToList();
        Assert.All(changed, k => Assert.NotEqual(key.Hash, k.Hash));
        Assert.Equal(changed.Count, changed.Select(k => k.Hash).Distinct().Count());

        // End to end: the entry of 3 teacher epochs is not taken by a study of 2.
        string root = Path.Combine(_folder, "shared");
        Cell(Configs[0], new SharedPartCache(root), out _);
        var fewer = Tiny with { Training = Tiny.Training with { Epochs = 2 } };
        var progress = new Recorder();
        QuantizationStudy.Run(fewer with { Config = Configs[0].Config, Methods = [QuantMethod.Ptq] }, progress,
            new SharedPartCache(root));
        Assert.DoesNotContain(progress.Lines, l => l.Contains("reused", StringComparison.Ordinal));
        Assert.Equal(2, Directory.GetDirectories(root).Length);
    }

    [Fact]
    public void AShortExpertRowAndAFixedDemonstrationSetAreStoredAndReused()
    {
        var options = Tiny with
        {
            ExpertEpisodes = 1, DemoSeed = 100, Seed = 200, Config = Configs[0].Config, Methods = [QuantMethod.Ptq],
        };
        string root = Path.Combine(_folder, "shared");
        var first = QuantizationStudy.Run(options, new Recorder(), new SharedPartCache(root));
        Assert.Equal(100, first.Demonstrations.Seed);
        var expert = first.Rows.Single(r => r.Name == QuantizationStudy.ExpertRow);
        Assert.Equal([SeedRanges.TestBase], expert.Evaluation.Episodes.Select(e => e.Seed));
        Assert.All(first.Rows.Where(r => r != expert), r => Assert.Equal(2, r.Evaluation.Episodes.Count));

        var progress = new Recorder();
        var again = QuantizationStudy.Run(options, progress, new SharedPartCache(root));
        Assert.Contains(progress.Lines, l => l.StartsWith("train FP: teacher reused from " + root,
            StringComparison.Ordinal));
        static IEnumerable<(int, double, int, bool)> Outcomes(StudyRow row) =>
            row.Evaluation.Episodes.Select(e => (e.Seed, e.Return, e.Steps, e.Success));
        Assert.Equal(Outcomes(expert), Outcomes(again.Rows.Single(r => r.Name == QuantizationStudy.ExpertRow)));
        Assert.Throws<ArgumentOutOfRangeException>(() => QuantizationStudy.Run(options with { ExpertEpisodes = 3 }));
    }

    [Fact]
    public void DaggerDemonstrationsAreStoredWithThePartAndADamagedCopyIsRecomputed()
    {
        var options = Tiny with
        {
            DaggerRounds = 1, DaggerEpisodes = 1, Config = Configs[0].Config, Methods = [QuantMethod.Ptq],
        };
        string root = Path.Combine(_folder, "shared");
        var progress = new Recorder();
        var first = QuantizationStudy.Run(options, progress, new SharedPartCache(root));
        Assert.Contains(progress.Lines,
            l => l.StartsWith("DAgger round 0: trained on 3 episodes", StringComparison.Ordinal));
        Assert.Contains(progress.Lines, l => l.StartsWith("DAgger round 1: previous teacher's new episodes returned ",
            StringComparison.Ordinal));
        var fp = first.Rows.Single(r => r.Name == "FP32");
        Assert.Contains("; DAgger round ", fp.Note, StringComparison.Ordinal);
        Assert.Matches("^DAgger round [01] of 1$", fp.Choice);
        Assert.Contains(first.Demonstrations.Episodes, new[] { 3, 4 });

        string entry = Assert.Single(Directory.GetDirectories(root));
        var again = QuantizationStudy.Run(options, progress = new Recorder(), new SharedPartCache(root));
        Assert.Contains(progress.Lines, l => l.StartsWith("train FP: teacher reused from " + entry,
            StringComparison.Ordinal));
        Assert.DoesNotContain(progress.Lines, l => l.StartsWith("collect", StringComparison.Ordinal));
        Assert.Equal(first.Demonstrations.ToBytes(), again.Demonstrations.ToBytes());
        Assert.Equal(Returns(first), Returns(again));

        // A stored set that is not the one entry.txt names: one line, recomputed, the same rows.
        string stored = Path.Combine(entry, "demonstrations.safetensors");
        File.WriteAllBytes(stored, Qail.Envs.Demonstrations.Collect(Tiny.Env, 3, 0).ToBytes());
        var recomputed = QuantizationStudy.Run(options, progress = new Recorder(), new SharedPartCache(root));
        Assert.Contains(progress.Lines, l => l.EndsWith("demonstrations.safetensors is not the file entry.txt names; "
            + "recomputing", StringComparison.Ordinal));
        Assert.Equal(Returns(first), Returns(recomputed));
        static IEnumerable<(string, double)> Returns(StudyResult result) =>
            result.Rows.SelectMany(r => r.Evaluation.Episodes.Select(e => (r.Name, e.Return)));
    }

    // The cell file of one config, with the wall times (which no two runs share) blanked.
    private string Cell((string Name, QuantConfig Config) config, SharedPartCache? cache, out List<string> lines)
    {
        var progress = new Recorder();
        var study = QuantizationStudy.Run(Tiny with { Config = config.Config }, progress, cache);
        lines = progress.Lines;
        string path = StudyCellFile.Write(Path.Combine(_folder, "cells", Guid.NewGuid().ToString("N")),
            StudyCell.From(study, config.Name));
        return string.Join('\n', File.ReadAllLines(path).Select(line =>
        {
            var f = line.Split('\t');
            if (f[0] == "row") f[4] = "";
            return string.Join('\t', f);
        }));
    }

    private sealed class Recorder : IStudyProgress
    {
        public List<string> Lines { get; } = [];
        public void Begin(string stage, int total) { }
        public void Advance(string stage, int done) { }
        public void End(string stage, string summary) => Lines.Add($"{stage}: {summary}");
    }
}

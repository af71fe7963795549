using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Qail.Cli.Report;
using Qail.Evaluation;
using Qail.Experiments;
using Qail.Training;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail study`: a matrix of envs x bit configs x training seeds (every method in each cell), one file per cell so a
/// rerun resumes, the config-independent part of a cell shared by its seed's other configs (in memory and under
/// `--out`/shared), `--shard K/N` for job arrays, and `qail study merge` to join shards into one report.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var envs = new Option<string[]>("--envs") { Description = "Environments (see `qail envs`).",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["pendulum-swingup"] };
        var configs = new Option<string[]>("--configs") { Description = "Bit configs: W2, W4, W4g32, W4A4, W8A8, ...",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => ["W2", "W4", "W4A4"] };
        var methods = new Option<QuantMethod[]>("--methods") { Description =
            "Methods in every cell (fine-tuned ones start from Ptq, the best-clip PTQ).",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ =>
            [.. new StudyOptions().Methods] }.NamedList();
        var seeds = new Option<int>("--training-seeds") { Description =
            $"Training seeds 0, {SeedSweep.SeedStride}, {2 * SeedSweep.SeedStride}, ...", DefaultValueFactory = _ =>
            3 }.AtLeast(1);
        var episodes = new Option<int>("--episodes") { Description =
            $"Test episodes per policy (seeds {SeedRanges.TestBase} on).", DefaultValueFactory = _ => 100 }.AtLeast(1);
        var validation = new Option<int>("--validation-episodes") { Description =
            $"Validation episodes choosing checkpoints (seeds {SeedRanges.ValidationBase} on).", DefaultValueFactory =
            _ => 10 }.Within(1, SeedRanges.MaxValidationEpisodes);
        var demos = new Option<int?>("--demos") { Description = "Expert episodes; default 40, 320 for libero-*." };
        var epochs = new Option<int?>("--epochs") { Description =
            "Most behaviour-cloning epochs (early-stopped on held-out episodes); default 60." };
        var fineTune = new Option<int>("--fine-tune-epochs") { Description =
            "Fine-tuning epochs (and the FP control's extra epochs).", DefaultValueFactory = _ =>
            DemoDefaults.FineTuneEpochs }.AtLeast(1);
        var noControls = new Option<bool>("--no-controls")
        {
            Description =
                "Skip the expert's test row and the FP + extra epochs control (slow experts: MuJoCo planners).",
        };
        var expertEpisodes = new Option<int?>("--expert-episodes") { Description =
            "The expert's row on only the first N test episodes (slow experts: MuJoCo planners)." }
            .Check(v => v is null or >= 1, "must be at least 1");
        var demoSeed = new Option<int?>("--demo-seed") { Description = "Every training seed imitates the "
            + "demonstrations of this seed (one fixed set; slow experts); default: each seed its own." }
            .Check(v => v is null or >= 0, "must be at least 0");
        var daggerRounds = new Option<int>("--dagger-rounds") { Description = "DAgger rounds after cloning: run the "
            + "teacher, label its states with the expert, retrain; keep the best round on validation episodes (experts "
            + "a policy cannot clone from their own episodes alone: MuJoCo planners).", DefaultValueFactory = _ => 0 }
            .AtLeast(0);
        var daggerEpisodes = new Option<int>("--dagger-episodes") { Description = "Teacher episodes each DAgger round "
            + "adds.", DefaultValueFactory = _ => new StudyOptions().DaggerEpisodes }.AtLeast(1);
        var noShared = new Option<bool>("--no-shared-cache")
        {
            Description = "Recompute each cell's config-independent part (teacher, FP32, expert and control rows, "
                + "saliency) instead of reusing it from memory or <out>/shared/.",
        };
        var shard = new Option<string>("--shard") { Description =
            "Run shard K of N of the matrix (e.g. 3/8 for a job array).", DefaultValueFactory = _ => "1/1" };
        var output = new Option<string>("--out") { Description = "Folder for cells/ and the report.",
            DefaultValueFactory = _ => "reports/study" };
        var grid = FineTuningGridOptions.StudyDefaults();
        var command = new Command("study", "Run a matrix of envs x bit configs x methods x training seeds under the "
            + "honest protocol; each cell is a file, so reruns resume.")
        {
            envs, configs, methods, seeds, episodes, validation, demos, epochs, fineTune, noControls, expertEpisodes,
                demoSeed, daggerRounds, daggerEpisodes, noShared, shard, output, Merge(),
        };
        foreach (var option in grid.All) command.Options.Add(option);
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var envNames = result.GetValue(envs)!.Select(e => EnvName.Require(e, "--envs")).ToList();
            var configNames = result.GetValue(configs)!.ToList();
            foreach (var c in configNames) StudyMatrix.ParseConfig(c);
            var (k, n) = StudyMatrix.ParseShard(result.GetValue(shard)!);
            var matrix = new StudyMatrix(envNames, configNames,
                [.. Enumerable.Range(0, result.GetValue(seeds)).Select(i => i * SeedSweep.SeedStride)]);
            var settings = new CellSettings(result.GetValue(methods)!, result.GetValue(episodes),
                result.GetValue(validation), result.GetValue(demos),
                result.GetValue(epochs), result.GetValue(fineTune), !result.GetValue(noControls),
                result.GetValue(expertEpisodes), result.GetValue(demoSeed), result.GetValue(daggerRounds),
                result.GetValue(daggerEpisodes), !result.GetValue(noShared));
            if (settings.ExpertEpisodes > settings.Episodes)
                throw new ArgumentException($"--expert-episodes: {settings.ExpertEpisodes} is more than the "
                    + $"{settings.Episodes} test episodes.");
            return Run(console, matrix, k, n, settings, result.GetValue(output)!, o => grid.Apply(o, result));
        }));
        return command;
    }

    private sealed record CellSettings(QuantMethod[] Methods, int Episodes, int ValidationEpisodes, int? Demos,
        int? Epochs, int FineTuneEpochs, bool Controls, int? ExpertEpisodes, int? DemoSeed, int DaggerRounds,
        int DaggerEpisodes, bool Shared);

    private static Command Merge()
    {
        var inputs = new Argument<string[]>("folders") { Description =
            "Study folders (or their cells/ folders) written by the shards.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out") { Description = "Folder for the merged report.",
            DefaultValueFactory = _ => "reports/study" };
        var command = new Command("merge",
            "Join the cells of several shards (folders) into one report.") { inputs, output };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var cells = new Dictionary<string, StudyCell>(StringComparer.Ordinal);
            foreach (var folder in result.GetValue(inputs)!)
            {
                string cellsFolder = Directory.Exists(Path.Combine(folder, "cells"))
                    ? Path.Combine(folder, "cells") : folder;
                if (!Directory.Exists(cellsFolder))
                    throw new ArgumentException($"folders: '{folder}' is not a folder.");
                foreach (var file in Directory.GetFiles(cellsFolder, "*.tsv").Order(StringComparer.Ordinal))
                {
                    var cell = StudyCellFile.Read(file);
                    cells[StudyCell.FileName(cell.Env, cell.Config, cell.Seed)] = cell;
                }
            }
            if (cells.Count == 0) throw new ArgumentException("folders: no study cells (*.tsv) found.");
            string path = MatrixReport.Write(result.GetValue(output)!, [.. cells.Values], Preamble(cells.Count));
            console.MarkupLine($"Merged {cells.Count} cells. Report: [link]{Markup.Escape(path)}[/]");
            return 0;
        }));
        return command;
    }

    private static int Run(IAnsiConsole console, StudyMatrix matrix, int k, int n, CellSettings settings, string folder,
        Func<StudyOptions, StudyOptions> withGrid)
    {
        string cellsFolder = Path.Combine(folder, "cells");
        var mine = matrix.Shard(k, n);
        var todo = mine.Where(c => !Readable(Path.Combine(cellsFolder, c.FileName))).ToList();
        console.MarkupLine($"[bold]qail study[/]: shard {k}/{n}, {mine.Count} of {matrix.Cells.Count} cells, "
            + $"{mine.Count - todo.Count} already done");
        var clock = Stopwatch.StartNew();
        // The configs of one env and seed run back to back and share the part no config changes (in memory, and on
        // disk so a rerun or another shard on this folder resumes it).
        var shared = settings.Shared ? new SharedPartCache(Path.Combine(folder, "shared")) : null;
        for (int i = 0; i < todo.Count; i++)
        {
            var spec = todo[i];
            console.MarkupLine($"[bold]cell {i + 1}/{todo.Count}[/]: {Markup.Escape(spec.Env)} "
                + $"{Markup.Escape(spec.Config)} seed {spec.Seed}");
            var study = QuantizationStudy.Run(withGrid(Options(spec, settings)), new CellProgress(console),
                shared);
            StudyCellFile.Write(cellsFolder, StudyCell.From(study, spec.Config));
            double perCell = clock.Elapsed.TotalSeconds / (i + 1);
            var left = TimeSpan.FromSeconds(perCell * (todo.Count - i - 1));
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"[green]cells done {mine.Count - todo.Count + i + 1}/{mine.Count}[/] ({perCell / 60:F1} min a cell, "
                + $"about {left.TotalMinutes:F0} min left)"));
        }
        var present = matrix.Cells.Where(c => File.Exists(Path.Combine(cellsFolder, c.FileName))).ToList();
        if (present.Count < matrix.Cells.Count)
        {
            console.MarkupLine($"{present.Count} of {matrix.Cells.Count} cells present; when every shard has finished "
                + $"run `qail study merge {Markup.Escape(folder)}`.");
            return 0;
        }
        var cells = present.Select(c => StudyCellFile.Read(Path.Combine(cellsFolder, c.FileName))).ToList();
        string path = MatrixReport.Write(folder, cells, Preamble(cells.Count));
        console.MarkupLine($"Report: [link]{Markup.Escape(path)}[/] ({clock.Elapsed.TotalMinutes:F1} min)");
        return 0;
    }

    private static StudyOptions Options(CellSpec spec, CellSettings settings)
    {
        var recipe = DemoDefaults.For(spec.Env);
        var defaults = new StudyOptions();
        return new StudyOptions
        {
            Env = spec.Env,
            Config = StudyMatrix.ParseConfig(spec.Config),
            Methods = settings.Methods,
            DemoEpisodes = settings.Demos ?? recipe.DemoEpisodes,
            DemoNoise = recipe.Noise,
            DemoSeed = settings.DemoSeed,
            DaggerRounds = settings.DaggerRounds,
            DaggerEpisodes = settings.DaggerEpisodes,
            EvalEpisodes = settings.Episodes,
            ValidationEpisodes = settings.ValidationEpisodes,
            Controls = settings.Controls,
            ExpertEpisodes = settings.ExpertEpisodes,
            Training = defaults.Training with { Epochs = settings.Epochs ?? defaults.Training.Epochs,
                BatchSize = recipe.BatchSize },
            FineTuning = defaults.FineTuning with { Epochs = settings.FineTuneEpochs, BatchSize = recipe.BatchSize },
            Seed = spec.Seed,
        };
    }

    private static bool Readable(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            StudyCellFile.Read(path);
            return true;
        }
        catch (InvalidDataException)
        {
            return false; // a damaged cell is run again
        }
    }

    private static string Preamble(int cells) =>
        FormattableString.Invariant($"# Qail study ({cells} cells)\n\n")
        + "Protocol: FP teachers early-stopped on held-out demonstration episodes; fine-tuned methods start from PTQ "
        + "(best clip) with the learning rate and QBC weight chosen by short screening runs, and keep the checkpoint "
        + "(start included), with the best return on validation episodes (seeds "
        + FormattableString.Invariant(
            $"{SeedRanges.ValidationBase} on); every figure is on test episodes (seeds {SeedRanges.TestBase} on), ")
        + "which no choice sees. Success: Wilson 95% over all episodes; return: bootstrap 95% over training seeds then "
        + "episodes; Δ: paired per episode.\n\n";

    // One line per finished stage, indented under its cell.
    private sealed class CellProgress(IAnsiConsole console) : IStudyProgress
    {
        public void Begin(string stage, int total) { }
        public void Advance(string stage, int done) { }
        public void End(string stage, string summary) =>
            console.MarkupLine($"[grey]  {Markup.Escape(stage)}: {Markup.Escape(summary)}[/]");
    }
}

using System.CommandLine;
using System.Diagnostics;
using Qail.Cli.Report;
using Qail.Envs;
using Qail.Experiments;
using Qail.Kernels.Cuda;
using Qail.Quantization;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail demo`: the whole chain on a built-in env, printing the FP / PTQ / QAT / QAIL+QBC table with latencies.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Built-in environment (see `qail envs`).",
            DefaultValueFactory = _ => DemoDefaults.Env };
        var bits = new Option<int>("--bits") { Description = "Weight bit width (2..8).", DefaultValueFactory =
            _ => DemoDefaults.Bits }.Within(2, 8);
        var granularity = new Option<QuantGranularity>("--granularity") { Description =
            "Weight scales: PerTensor, PerChannel or PerGroup.", DefaultValueFactory = _ => DemoDefaults.Granularity };
        var group = new Option<int>("--group-size") { Description = "Weight group size for per-group scales.",
            DefaultValueFactory = _ => 32 }.Within(1, OptionLimits.GroupSize);
        var actBits = new Option<int>("--act-bits") { Description =
            "Activation bit width (0: weight-only).", DefaultValueFactory = _ => 0 }.ActivationBits();
        var learnSteps = new Option<bool>("--learn-step-sizes") { Description =
            "Learn quantizer step sizes (LSQ) while fine-tuning.", DefaultValueFactory = _ => true };
        var methods = new Option<QuantMethod[]>("--methods") { Description = "Methods to compare with FP32.",
            AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. DemoDefaults.Methods] }.NamedList();
        // Data and training sizes default per domain (DemoDefaults.For): unset here, resolved once the env is known.
        var noise = new Option<double?>("--noise") { Description =
            "DART noise on executed expert actions (fraction of the action half-range); default 0.1." }.NonNegative();
        var demos = new Option<int?>("--demos") { Description =
            "Expert episodes to imitate; default 40, 320 for libero-*." }.Within(1, OptionLimits.Episodes);
        var evals = new Option<int>("--episodes") { Description = "Test episodes per policy (seeds 1,000,000 on).",
            DefaultValueFactory = _ => DemoDefaults.EvalEpisodes }.Within(1, OptionLimits.Episodes);
        var validation = new Option<int>("--validation-episodes") { Description =
            "Validation episodes that choose fine-tuning checkpoints (seeds 500,000 on).", DefaultValueFactory = _ =>
            DemoDefaults.ValidationEpisodes }.Within(1, Evaluation.SeedRanges.MaxValidationEpisodes);
        var epochs = new Option<int?>("--epochs")
        {
            Description = "Most behaviour-cloning epochs (early-stopped on held-out episodes); default 60, 30 for "
                + "libero-*.",
        }.Within(1, OptionLimits.Epochs);
        var fineTuneEpochs = new Option<int?>("--fine-tune-epochs")
        {
            Description = "Quantization-aware fine-tuning epochs; default 10, 3 for driving-* and libero-*.",
        }.Within(1, OptionLimits.Epochs);
        var seed = new Option<int>("--seed") { Description = "Seed of everything.", DefaultValueFactory = _ => 0 };
        var trainingSeeds = new Option<int>("--training-seeds") { Description =
            "Repeat the study over this many training seeds and report mean ± std over them.", DefaultValueFactory =
            _ => 1 }.Within(1, OptionLimits.TrainingSeeds);
        var report = new Option<string>("--report") { Description = "Folder for the markdown report and plots.",
            DefaultValueFactory = _ => "reports/demo" };
        // The grid's defaults are the state-vector recipe's; image envs screen less unless the options are given.
        var grid = FineTuningGridOptions.With(DemoDefaults.General.LearningRates, DemoDefaults.QbcWeights,
            DemoDefaults.General.ScreenEpochs);
        grid.LearningRates.Description += " Default for driving-* and libero-*: 1e-4 1e-3.";
        grid.ScreenEpochs.Description += " Default 1 for driving-* and libero-*.";
        var device = DeviceOption.Create();
        device.Description = "Also time the deployed policies on this device: gpu (CUDA, else an OpenCL GPU), cuda or "
            + "opencl; cpu times the CPU runtime only.";
        var command = new Command("demo",
            "Collect demonstrations, train the FP policy, quantize it (PTQ, QAT, QAIL+QBC, SQIL, on-policy), " +
            "evaluate all in closed loop, deploy on integer kernels and time them.")
        {
            env, bits, granularity, group, actBits, learnSteps, methods, noise, demos, evals, validation, epochs,
                fineTuneEpochs, seed, trainingSeeds, report, device,
        };
        foreach (var option in grid.All) command.Options.Add(option);
        // Every option is checked before the study starts, so a bad one costs no collection or training time.
        command.SetAction(result => CommandOutput.Run(result, _ =>
        {
            string envName = EnvName.Require(result.GetValue(env)!);
            string reportFolder = InputFile.OutputFolder(result.GetValue(report)!, "--report");
            var recipe = DemoDefaults.For(envName);
            var defaults = new StudyOptions();
            var options = new StudyOptions
            {
                Env = envName,
                Config = QuantConfig.Create(result.GetValue(bits), result.GetValue(granularity), result.GetValue(group),
                    result.GetValue(actBits))
                    with { LearnStepSizes = result.GetValue(learnSteps) },
                Methods = result.GetValue(methods)!,
                DemoEpisodes = result.GetValue(demos) ?? recipe.DemoEpisodes,
                DemoNoise = result.GetValue(noise) ?? recipe.Noise,
                EvalEpisodes = result.GetValue(evals),
                ValidationEpisodes = result.GetValue(validation),
                CheckpointEvery = recipe.CheckpointEvery,
                Training = defaults.Training with
                {
                    Epochs = result.GetValue(epochs) ?? recipe.Epochs,
                    BatchSize = recipe.BatchSize,
                    Patience = recipe.Patience,
                    MinEpochs = Math.Min(recipe.MinEpochs, result.GetValue(epochs) ?? recipe.Epochs),
                },
                FineTuning = defaults.FineTuning with
                {
                    Epochs = result.GetValue(fineTuneEpochs) ?? recipe.FineTuneEpochs,
                    BatchSize = recipe.BatchSize,
                    SaliencyPatchSize = recipe.SaliencyPatch,
                },
                Seed = result.GetValue(seed),
            };
            options = grid.Apply(options, result);
            if (result.GetResult(grid.LearningRates) is null or { Implicit: true })
                options = options with { LearningRates = recipe.LearningRates };
            if (result.GetResult(grid.ScreenEpochs) is null or { Implicit: true })
                options = options with { ScreenEpochs = recipe.ScreenEpochs };
            IComputeDevice? target = result.GetValue(device) is { } kind && kind != DeviceOption.Cpu
                ? DeviceOption.Resolve(kind) : null;
            return Run(options, result.GetValue(trainingSeeds), reportFolder, target);
        }));
        return command;
    }

    private static int Run(StudyOptions options, int trainingSeeds, string reportFolder, IComputeDevice? device)
    {
        var console = AnsiConsole.Console;
        var clock = Stopwatch.StartNew();
        console.MarkupLine($"[bold]qail demo[/]: {Markup.Escape(options.Env)}, {Markup.Escape(options.Config.Label)}, "
            + $"seed {options.Seed}");
        // SQIL masks image patches where there is an image, else one state dimension at a time.
        string saliency = Env.Lookup(options.Env).Create().Spec.Image is null ? "state dimensions"
            : $"{options.FineTuning.SaliencyPatchSize}-pixel image patches";
        console.WriteLine($"Fine-tuning screens: learning rates {List(options.LearningRates)}, QBC weights " +
            $"{List(options.QbcWeights)}, {options.ScreenEpochs} epochs each, scored on {options.ValidationEpisodes} " +
            $"validation episodes; then {options.FineTuning.Epochs} fine-tuning epochs (SQIL's saliency over " +
            $"{saliency}).");
        var progress = new DemoPhaseTimes(new ConsoleProgress(console));
        var sweep = SeedSweep.Run(options, trainingSeeds, progress);
        var study = sweep.Runs[0];
        var deployMethod = options.Methods.Contains(QuantMethod.QailQbc) ? QuantMethod.QailQbc : options.Methods[^1];
        var deployment = options.Methods.Count > 0 && Exporting.Export.CanExport(study.Teacher)
            ? DeploymentStudy.Run(study, deployMethod, progress, device)
            : [];
        if (deployment.Count == 0 && options.Methods.Count > 0)
            console.MarkupLine($"[yellow]No deployment:[/] the {Markup.Escape(study.Teacher.GetType().Name)} family "
                + "has no integer export.");

        var cells = sweep.Runs.Select(r => StudyCell.From(r, options.Config.Label)).ToList();
        var summary = RowSummary.Over(cells);
        var table = new Table().Title($"closed loop, {options.EvalEpisodes} test episodes per policy and seed "
            + "(fake-quantized training graph)")
            .AddColumns("policy", "return [[95% CI]]", "success % [[Wilson]]", "action error (own / FP states)",
                "Δ vs PTQ (best clip)", "Δ vs QAT", "chosen");
        foreach (var row in summary)
            table.AddRow(new[] { row.Name, row.Return.Format(), row.Success.Format(0),
                $"{Error(row.ActionError)} / {Error(row.ActionErrorOnFpStates)}",
                row.VersusPtq?.Format() ?? "-", row.VersusQat?.Format() ?? "-", row.Choices.Length == 0
                    ? "-" : row.Choices }.Select(Markup.Escape).ToArray());
        console.Write(table);
        console.WriteLine(MatrixReport.Verdict(summary));
        console.WriteLine(
            $"Fine-tuned methods start from {QuantMethod.Ptq.Display()}; the FP teacher was kept at epoch " +
            $"{string.Join(", ", cells.Select(c => c.TeacherEpoch))} (validation loss).");
        if (deployment.Count > 0)
        {
            var deployed = new Table().Title("deployed on real kernels (batch 1, this machine)")
                .AddColumns("policy", "return (mean ± std)", "success %", "median µs", "speed-up", "bytes");
            if (device is not null)
                deployed.AddColumns("device µs", "device speed-up").Caption($"device: {Markup.Escape(device.Name)}");
            foreach (var d in deployment)
            {
                var line = new List<string> { Markup.Escape(d.Name),
                    $"{d.Evaluation.MeanReturn:F1} ± {d.Evaluation.StdReturn:F1}", $"{d.Evaluation.SuccessRate:F0}",
                    $"{d.MedianMicroseconds:F1}", $"{deployment[0].MedianMicroseconds / d.MedianMicroseconds:F2}x",
                        $"{d.ModelBytes}" };
                if (d.OnDevice is { } onDevice)
                    line.AddRange([$"{onDevice.MedianMicroseconds:F1}",
                        $"{deployment[0].OnDevice!.MedianMicroseconds / onDevice.MedianMicroseconds:F2}x"]);
                deployed.AddRow([.. line]);
            }
            console.Write(deployed);
        }
        string path = StudyReport.Write(reportFolder, cells, sweep.Runs[0], deployment);
        _ = progress.Mark("tables and report");
        console.Write(progress.ToTable());
        console.MarkupLine($"Report: [link]{Markup.Escape(path)}[/] (total {clock.Elapsed.TotalMinutes:F1} min)");
        return 0;
    }

    private static string List(IEnumerable<double> values) =>
        string.Join(", ", values.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Error(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("F4", System.Globalization.CultureInfo.InvariantCulture);
}

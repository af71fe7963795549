using System.CommandLine;
using System.Diagnostics;
using Qail.Cli.Report;
using Qail.Experiments;
using Qail.Kernels.Cuda;
using Qail.Quantization;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail demo`: the whole chain on a built-in env, printing the FP / PTQ / QAT / QAIL+QBC table with latencies.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Built-in environment (see `qail envs`).", DefaultValueFactory = _ => DemoDefaults.Env };
        var bits = new Option<int>("--bits") { Description = "Weight bit width (2..8).", DefaultValueFactory = _ => DemoDefaults.Bits }.Within(2, 8);
        var granularity = new Option<QuantGranularity>("--granularity") { Description = "Weight scales: PerTensor, PerChannel or PerGroup.", DefaultValueFactory = _ => DemoDefaults.Granularity };
        var group = new Option<int>("--group-size") { Description = "Weight group size for per-group scales.", DefaultValueFactory = _ => 32 }.Within(1, OptionLimits.GroupSize);
        var actBits = new Option<int>("--act-bits") { Description = "Activation bit width (0: weight-only).", DefaultValueFactory = _ => 0 }.ActivationBits();
        var learnSteps = new Option<bool>("--learn-step-sizes") { Description = "Learn quantizer step sizes (LSQ) while fine-tuning.", DefaultValueFactory = _ => true };
        var methods = new Option<QuantMethod[]>("--methods") { Description = "Methods to compare with FP32.", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [.. new StudyOptions().Methods] }.NamedList();
        // Data and training sizes default per domain (DemoDefaults.For): unset here, resolved once the env is known.
        var noise = new Option<double?>("--noise") { Description = "DART noise on executed expert actions (fraction of the action half-range); default 0.1." }.NonNegative();
        var demos = new Option<int?>("--demos") { Description = "Expert episodes to imitate; default 40, 320 for libero-*." }.Within(1, OptionLimits.Episodes);
        var evals = new Option<int>("--episodes") { Description = "Evaluation episodes per policy.", DefaultValueFactory = _ => DemoDefaults.EvalEpisodes }.Within(1, OptionLimits.Episodes);
        var epochs = new Option<int?>("--epochs") { Description = "Behaviour-cloning epochs; default 20, 10 for libero-*." }.Within(1, OptionLimits.Epochs);
        var fineTuneEpochs = new Option<int>("--fine-tune-epochs") { Description = "Quantization-aware fine-tuning epochs.", DefaultValueFactory = _ => DemoDefaults.FineTuneEpochs }.Within(1, OptionLimits.Epochs);
        var seed = new Option<int>("--seed") { Description = "Seed of everything.", DefaultValueFactory = _ => 0 };
        var trainingSeeds = new Option<int>("--training-seeds") { Description = "Repeat the study over this many training seeds and report mean ± std over them.", DefaultValueFactory = _ => 1 }.Within(1, OptionLimits.TrainingSeeds);
        var report = new Option<string>("--report") { Description = "Folder for the markdown report and plots.", DefaultValueFactory = _ => "reports/demo" };
        var device = DeviceOption.Create();
        device.Description = "Also time the deployed policies on this device: gpu (CUDA, else an OpenCL GPU), cuda or opencl; cpu times the CPU runtime only.";
        var command = new Command("demo", "Collect demonstrations, train the FP policy, quantize it (PTQ, QAT, QAIL+QBC, SQIL, on-policy), " +
            "evaluate all in closed loop, deploy on integer kernels and time them.")
        {
            env, bits, granularity, group, actBits, learnSteps, methods, noise, demos, evals, epochs, fineTuneEpochs, seed, trainingSeeds, report, device,
        };
        // Every option is checked before the study starts, so a bad one costs no collection or training time.
        command.SetAction(result => CommandOutput.Run(result, _ =>
        {
            string envName = EnvName.Require(result.GetValue(env)!);
            string reportFolder = InputFile.OutputFolder(result.GetValue(report)!, "--report");
            var recipe = DemoDefaults.For(envName);
            var options = new StudyOptions
            {
                Env = envName,
                Config = QuantConfig.Create(result.GetValue(bits), result.GetValue(granularity), result.GetValue(group), result.GetValue(actBits))
                    with { LearnStepSizes = result.GetValue(learnSteps) },
                Methods = result.GetValue(methods)!,
                DemoEpisodes = result.GetValue(demos) ?? recipe.DemoEpisodes,
                DemoNoise = result.GetValue(noise) ?? recipe.Noise,
                EvalEpisodes = result.GetValue(evals),
                Training = new Training.TrainOptions { Epochs = result.GetValue(epochs) ?? recipe.Epochs, BatchSize = recipe.BatchSize },
                FineTuning = new Training.QailOptions { Epochs = result.GetValue(fineTuneEpochs), BatchSize = recipe.BatchSize },
                Seed = result.GetValue(seed),
            };
            IComputeDevice? target = result.GetValue(device) is { } kind && kind != DeviceOption.Cpu ? DeviceOption.Resolve(kind) : null;
            return Run(options, result.GetValue(trainingSeeds), reportFolder, target);
        }));
        return command;
    }

    private const string DrivingScoreMetric = "driving_score";

    private static int Run(StudyOptions options, int trainingSeeds, string reportFolder, IComputeDevice? device)
    {
        var console = AnsiConsole.Console;
        var clock = Stopwatch.StartNew();
        console.MarkupLine($"[bold]qail demo[/]: {Markup.Escape(options.Env)}, {Markup.Escape(options.Config.Label)}, seed {options.Seed}");
        var progress = new ConsoleProgress(console);
        var sweep = SeedSweep.Run(options, trainingSeeds, progress);
        var study = sweep.Runs[0];
        var deployMethod = options.Methods.Contains(QuantMethod.QailQbc) ? QuantMethod.QailQbc : options.Methods[^1];
        var deployment = options.Methods.Count > 0 && Exporting.Export.CanExport(study.Teacher)
            ? DeploymentStudy.Run(study, deployMethod, progress, device)
            : [];
        if (deployment.Count == 0 && options.Methods.Count > 0)
            console.MarkupLine($"[yellow]No deployment:[/] the {Markup.Escape(study.Teacher.GetType().Name)} family has no integer export.");

        bool driving = !double.IsNaN(study.FullPrecision.Evaluation.MeanMetric(DrivingScoreMetric));
        var table = new Table().Title("closed loop (fake-quantized training graph)")
            .AddColumns("policy", "return (mean ± std)", "success %", "mean action error vs FP");
        if (driving) table.AddColumn("driving score");
        foreach (var row in study.Rows)
        {
            var cells = new List<string> { row.Name, $"{row.Evaluation.MeanReturn:F1} ± {row.Evaluation.StdReturn:F1}", $"{row.Evaluation.SuccessRate:F0}",
                row.Discrepancy.Length == 0 ? "-" : $"{row.Discrepancy.Average():F4}" };
            if (driving) cells.Add($"{row.Evaluation.MeanMetric(DrivingScoreMetric):F1}");
            table.AddRow([.. cells]);
        }
        console.Write(table);
        if (trainingSeeds > 1) console.Write(SeedTable(sweep, driving));
        if (deployment.Count > 0)
        {
            var deployed = new Table().Title("deployed on real kernels (batch 1, this machine)")
                .AddColumns("policy", "return (mean ± std)", "success %", "median µs", "speed-up", "bytes");
            if (device is not null) deployed.AddColumns("device µs", "device speed-up").Caption($"device: {Markup.Escape(device.Name)}");
            foreach (var d in deployment)
            {
                var cells = new List<string> { d.Name, $"{d.Evaluation.MeanReturn:F1} ± {d.Evaluation.StdReturn:F1}", $"{d.Evaluation.SuccessRate:F0}",
                    $"{d.MedianMicroseconds:F1}", $"{deployment[0].MedianMicroseconds / d.MedianMicroseconds:F2}x", $"{d.ModelBytes}" };
                if (d.OnDevice is { } onDevice)
                    cells.AddRange([$"{onDevice.MedianMicroseconds:F1}", $"{deployment[0].OnDevice!.MedianMicroseconds / onDevice.MedianMicroseconds:F2}x"]);
                deployed.AddRow([.. cells]);
            }
            console.Write(deployed);
        }
        string path = StudyReport.Write(reportFolder, sweep, deployment);
        console.MarkupLine($"Report: [link]{Markup.Escape(path)}[/] (total {clock.Elapsed.TotalMinutes:F1} min)");
        return 0;
    }

    private static Table SeedTable(SeedSweepResult sweep, bool driving)
    {
        var table = new Table().Title($"over {sweep.Runs.Count} training seeds (mean ± std over seeds)")
            .AddColumns("policy", "return", "mean episode std", "success %");
        if (driving) table.AddColumn("driving score");
        foreach (var row in sweep.Summary)
        {
            var cells = new List<string> { row.Name, $"{row.MeanReturn:F1} ± {row.StdReturnOverSeeds:F1}", $"{row.MeanEpisodeStd:F1}", $"{row.MeanSuccess:F0} ± {row.StdSuccessOverSeeds:F0}" };
            if (driving) cells.Add($"{row.MeanDrivingScore:F1}");
            table.AddRow([.. cells]);
        }
        return table;
    }
}

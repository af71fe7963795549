using System.CommandLine;
using Qail.Envs;
using Qail.Experiments;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail quantize`: a full-precision checkpoint quantized by one method and exported to a deployed integer policy file.
/// </summary>
internal static class QuantizeCommand
{
    private static readonly Dictionary<string, QuantMethod> Methods = new(StringComparer.Ordinal)
    {
        ["ptq"] = QuantMethod.Ptq,
        ["qat"] = QuantMethod.Qat,
        ["qail"] = QuantMethod.QailQbc,
        ["sqil"] = QuantMethod.Sqil,
        ["onpolicy"] = QuantMethod.OnPolicy,
        ["awq"] = QuantMethod.Awq,
    };

    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var policy = new Option<string>("--policy") { Description =
            "Full-precision checkpoint from `qail train` (the teacher).", Required = true };
        var demos = new Option<string>("--demos") { Description =
            "Demonstrations file: calibration and fine-tuning data.", Required = true };
        var method = new Option<string>("--method") { Description = "ptq (round-to-nearest, best clipping per layer), "
            + "awq (activation-aware PTQ), qat, qail (QAIL+QBC), sqil, onpolicy.", DefaultValueFactory = _ => "qail" };
        method.AcceptOnlyFromAmong([.. Methods.Keys]);
        var bits =
            new Option<int>("--bits") { Description = "Weight bit width.", DefaultValueFactory = _ => 4 }.Within(2, 8);
        var granularity = new Option<QuantGranularity>("--granularity") { Description =
            "Weight scales: PerTensor, PerChannel or PerGroup.", DefaultValueFactory = _ => QuantGranularity.PerGroup };
        var group = new Option<int>("--group-size") { Description = "Weight group size for per-group scales.",
            DefaultValueFactory = _ => 32 }.Within(1, OptionLimits.GroupSize);
        var actBits = new Option<int>("--act-bits") { Description =
            "Activation bit width (0: weight-only).", DefaultValueFactory = _ => 0 }.ActivationBits();
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs (not used by ptq or awq).",
            DefaultValueFactory = _ => 15 }.Within(1, OptionLimits.Epochs);
        var qbc = new Option<double>("--qbc-weight") { Description =
            "lambda of the QBC alignment term (qail, sqil, onpolicy).", DefaultValueFactory = _ => 1.0 }.NonNegative();
        var seed = new Option<int>("--seed") { Description =
            "Seed of the quantizers, calibration batches and fine-tuning.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Deployed integer policy to write (.safetensors).",
            Required = true };
        var command = new Command("quantize", "Quantize a full-precision policy (PTQ, QAT, QAIL+QBC, SQIL or on-policy "
            + "QAIL) and export it to integer kernels.")
        {
            policy, demos, method, bits, granularity, group, actBits, epochs, qbc, seed, output,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            string policyPath = InputFile.Require(result.GetValue(policy)!, "--policy");
            string demosPath = InputFile.Require(result.GetValue(demos)!, "--demos");
            string path = InputFile.Output(result.GetValue(output)!, "--out", ("--policy", policyPath),
                ("--demos", demosPath));
            var config = QuantConfig.Create(result.GetValue(bits), result.GetValue(granularity), result.GetValue(group),
                result.GetValue(actBits));
            var teacherFile = PolicyFile.Load(policyPath, "--policy");
            if (teacherFile.Network is not { } teacher)
                throw new ArgumentException($"--policy: '{teacherFile.Path}' is already a deployed "
                    + $"{teacherFile.Precision} policy; quantize the full-precision checkpoint from `qail train`.");
            if (!Export.CanExport(teacher))
                throw new ArgumentException(
                    $"--policy: '{teacherFile.Path}' is a {teacher.GetType().Name}, which has no integer export.");
            var data = InputFile.Read(demosPath, "--demos", "demonstrations file", Demonstrations.Load);
            if (data.EnvName != teacherFile.EnvName)
                throw new ArgumentException($"--demos: '{demosPath}' holds {data.EnvName} episodes but the policy was "
                    + $"trained on {teacherFile.EnvName}.");
            PolicyFile.SpecOf(data, "--demos");

            var chosen = Methods[result.GetValue(method)!];
            int s = result.GetValue(seed);
            var study = new StudyOptions
            {
                Env = data.EnvName,
                DemoEpisodes = data.Episodes,
                Config = config,
                FineTuning = new QailOptions { Epochs = result.GetValue(epochs), QbcWeight = result.GetValue(qbc),
                    BatchSize = DemoDefaults.For(data.EnvName).BatchSize },
                Seed = s,
            };
            var student = chosen == QuantMethod.Awq
                ? QuantizationStudy.PrepareAwqStudent(teacher, config, data, s)
                : QuantizationStudy.PrepareBestClip(teacher, config, QuantizationStudy.CalibrationBatches(data, s + 5)
                    .ToList(), s).Student;
            string finalLoss = "-";
            if (chosen is not (QuantMethod.Ptq or QuantMethod.Awq))
            {
                var fineTuning = QuantizationStudy.FineTuningFor(chosen, study);
                console.MarkupLine(
                    $"fine-tuning {Markup.Escape(chosen.Display())} {config.Label} on {data.Steps} steps");
                var report = new Divergence(console, "fine-tuning", fineTuning.Epochs, path,
                        lastGood =>
                        Export.ToIntegerPolicy(student, $"{chosen.Display()} {config.Label}").Save(lastGood))
                    .Run(progress => QuantAwareImitation.FineTune(student, teacher, data, fineTuning, progress));
                finalLoss = $"{report.FinalLoss:G4}";
            }
            var deployed = Export.ToIntegerPolicy(student, $"{chosen.Display()} {config.Label}");
            deployed.Save(path);
            var table = new Table().AddColumns("policy", "precision", "fine-tune loss", "bytes", "FP32 bytes", "file");
            table.AddRow(Markup.Escape(deployed.Label), Markup.Escape(deployed.Precision), finalLoss,
                $"{deployed.ModelBytes}",
                $"{teacherFile.ModelBytes}", Markup.Escape(path));
            console.Write(table);
            foreach (var op in deployed.Describe()) console.MarkupLine($"  [grey]{Markup.Escape(op)}[/]");
            return 0;
        }));
        return command;
    }
}

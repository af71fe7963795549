using System.CommandLine;
using Qail.Envs;
using Qail.Policies;
using Qail.Training;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail train`: behaviour cloning of the full-precision policy on a demonstrations file.</summary>
internal static class TrainCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var demos = new Option<string>("--demos") { Description = "Demonstrations file from `qail collect`.",
            Required = true };
        var hidden = new Option<string>("--hidden") { Description = "Hidden widths of the MLP policy, comma-separated.",
            DefaultValueFactory = _ => "256,256" };
        var epochs = new Option<int>("--epochs") { Description =
            "Passes over the demonstrations.", DefaultValueFactory = _ => 20 }.Within(1, OptionLimits.Epochs);
        var batch = new Option<int?>("--batch-size") { Description =
            "Samples per gradient step; default 256, 32 for libero-* (as `qail demo`)." }
            .Within(1, OptionLimits.BatchSize);
        var rate = new Option<double>("--learning-rate") { Description = "Peak AdamW learning rate.",
            DefaultValueFactory = _ => 1e-3 }.Check(v => v > 0 && double.IsFinite(v), "must be a positive number");
        var seed = new Option<int>("--seed") { Description = "Seed of the initialisation and the minibatch order.",
            DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "Full-precision checkpoint to write (.safetensors).",
            Required = true };
        var command = new Command("train", "Train the full-precision policy by behaviour cloning: MLP on state-vector "
            + "envs, CILRS on driving, VLA on manipulation.")
        {
            demos, hidden, epochs, batch, rate, seed, output,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var widths = PolicyFile.ParseHidden(result.GetValue(hidden)!, "--hidden");
            string demosPath = InputFile.Require(result.GetValue(demos)!, "--demos");
            string path = InputFile.Output(result.GetValue(output)!, "--out", ("--demos", demosPath));
            var data = InputFile.Read(demosPath, "--demos", "demonstrations file", Demonstrations.Load);
            var spec = PolicyFile.SpecOf(data, "--demos");
            string family = PolicyFactory.FamilyFor(spec);
            int s = result.GetValue(seed);
            var network = PolicyFactory.Create(family, spec, widths, s + 1);
            var options = new TrainOptions
            {
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batch) ?? DemoDefaults.For(data.EnvName).BatchSize,
                LearningRate = result.GetValue(rate),
                Seed = s + 2,
            };
            console.MarkupLine($"training {family} ({network.ParameterCount} parameters) on {data.Steps} steps of "
                + $"{Markup.Escape(data.EnvName)}");
            var divergence = new Divergence(console, "training", options.Epochs, path,
                lastGood => PolicyFile.SaveFullPrecision(network, family, data.EnvName, widths, s, lastGood));
            var report = divergence.Run(progress => BehaviourCloning.Train(network, data, options, progress));
            PolicyFile.SaveFullPrecision(network, family, data.EnvName, widths, s, path);
            var table = new Table().AddColumns("env", "family", "parameters", "epochs", "first loss", "final loss",
                "file");
            table.AddRow(Markup.Escape(data.EnvName), family, $"{network.ParameterCount}", $"{options.Epochs}",
                $"{report.Loss[0]:G4}", $"{report.FinalLoss:G4}", Markup.Escape(path));
            console.Write(table);
            return 0;
        }));
        return command;
    }
}

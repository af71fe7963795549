using System.CommandLine;
using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Training;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail train`: behaviour cloning of the full-precision policy on a demonstrations file, with DAgger rounds on the
/// demonstrations' env and expert when asked.
/// </summary>
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
        var daggerRounds = new Option<int>("--dagger-rounds") { Description = "DAgger rounds after cloning (the "
            + "demonstrations' env and its registered expert): run the policy, label the states it visits with the "
            + "expert, retrain on everything; keep the round with the best validation return. Every round early-stops "
            + "on the demonstrations' last tenth.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var daggerEpisodes = new Option<int>("--dagger-episodes") { Description = "Policy episodes each DAgger round "
            + "adds.", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var validation = new Option<int>("--validation-episodes") { Description =
            $"Episodes (seeds {SeedRanges.ValidationBase} on) choosing the DAgger round.", DefaultValueFactory = _ =>
            10 }.Within(1, SeedRanges.MaxValidationEpisodes);
        var daggerData = new Option<string?>("--dagger-data") { Description = "Also write what the kept round trained "
            + "on (its episodes, then the demonstrations) to this demonstrations file." };
        var command = new Command("train", "Train the full-precision policy by behaviour cloning (and DAgger with "
            + "--dagger-rounds): MLP on state-vector envs, CILRS on driving, VLA on manipulation.")
        {
            demos, hidden, epochs, batch, rate, seed, output, daggerRounds, daggerEpisodes, validation, daggerData,
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
            PolicyNetwork NewNetwork() => PolicyFactory.Create(family, spec, widths, s + 1);
            var network = NewNetwork();
            var options = new TrainOptions
            {
                Epochs = result.GetValue(epochs),
                BatchSize = result.GetValue(batch) ?? DemoDefaults.For(data.EnvName).BatchSize,
                LearningRate = result.GetValue(rate),
                Seed = s + 2,
            };
            console.MarkupLine($"training {family} ({network.ParameterCount} parameters) on {data.Steps} steps of "
                + $"{Markup.Escape(data.EnvName)}");
            int rounds = result.GetValue(daggerRounds);
            TrainReport report;
            if (rounds == 0)
            {
                var divergence = new Divergence(console, "training", options.Epochs, path,
                    lastGood => PolicyFile.SaveFullPrecision(network, family, data.EnvName, widths, s, lastGood));
                report = divergence.Run(progress => BehaviourCloning.Train(network, data, options, progress));
            }
            else
            {
                var dagger = Dagger(console, data, path, rounds, result.GetValue(daggerEpisodes),
                    result.GetValue(validation), result.GetValue(daggerData), options, NewNetwork);
                (network, report) = (dagger.Policy, dagger.Training);
            }
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

    // DAgger on the demonstrations' env: rounds reset from the demonstrations' seed stream past its episodes; every
    // round early-stops on the demonstrations' last tenth (at least 20 epochs, patience 15, as `qail study`).
    private static DAgger.Result Dagger(IAnsiConsole console, Demonstrations data, string path, int rounds,
        int episodes, int validationEpisodes, string? dataPath, TrainOptions options, Func<PolicyNetwork> create)
    {
        var registration = Env.Lookup(EnvName.Require(data.EnvName, "--demos"));
        string? dataOut = dataPath is null ? null : InputFile.Output(dataPath, "--dagger-data", ("--out", path));
        options = options with { ValidationFraction = 0.1, MinEpochs = Math.Min(20, options.Epochs) };
        DAgger.CheckRounds(rounds, episodes, data.Episodes, options.ValidationFraction);
        SeedRanges.CheckDisjoint(Enumerable.Range(0, data.Episodes + rounds * episodes)
            .Select(i => Demonstrations.EpisodeSeed(data.Seed, i)), validationEpisodes, 0);
        var divergence = new Divergence(console, "training", options.Epochs, path);
        var result = divergence.Run(progress => DAgger.Train(create, data, registration.Create, registration.Expert,
            rounds, episodes, options, network => ClosedLoop.Evaluate(data.EnvName,
                new EvalModePolicy(network, "validation"), validationEpisodes, SeedRanges.ValidationBase).MeanReturn,
            round => console.MarkupLine($"DAgger round {round.Index}: {round.Describe()}"), progress,
            DAgger.CachedForPlanners(data.EnvName)));
        console.MarkupLine(FormattableString.Invariant(
            $"kept DAgger round {result.ChosenRound} of {rounds} ({result.Data.Episodes} episodes)"));
        if (dataOut is not null) result.Data.Save(dataOut);
        return result;
    }
}

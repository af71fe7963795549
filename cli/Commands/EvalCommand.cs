using System.CommandLine;
using Qail.Evaluation;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail eval`: closed-loop evaluation of a full-precision checkpoint or a deployed integer policy.</summary>
internal static class EvalCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var policy = new Option<string>("--policy") { Description =
            "Full-precision checkpoint (`qail train`) or deployed integer policy (`qail quantize`).", Required = true };
        var env = new Option<string?>("--env") { Description =
            "Environment to run in (default: the checkpoint's; required for a deployed policy)." };
        var episodes = new Option<int>("--episodes") { Description = "Evaluation episodes (episode i uses seed + i).",
            DefaultValueFactory = _ => 20 }.Within(1, OptionLimits.Episodes);
        var seed = new Option<int>("--seed") { Description =
            "Seed of the first episode (default far from the demonstration seeds).", DefaultValueFactory = _ =>
            1_000_000 };
        var device = DeviceOption.Create();
        var command = new Command("eval",
            "Run a policy in closed loop over seeded episodes: return, success rate and the env's metrics.") { policy,
            env, episodes, seed, device };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var loaded = PolicyFile.Load(result.GetValue(policy)!, "--policy");
            string envName = PolicyFile.EnvFor(loaded, result.GetValue(env));
            string where = result.GetValue(device)!;
            // On the CPU a checkpoint runs as the network it is; on a device it runs deployed (the fp32 graph).
            var placed = where == DeviceOption.Cpu ? loaded.Policy : DeviceOption.Place(PolicyFile.Deployable(loaded),
                where, loaded.Path);
            EvalResult evaluation;
            try
            {
                evaluation = ClosedLoop.Evaluate(envName, placed, result.GetValue(episodes), result.GetValue(seed));
            }
            finally
            {
                (placed as IDisposable)?.Dispose();
            }
            var metrics = evaluation.Episodes.SelectMany(e => e.Metrics.Keys).Distinct().Order(StringComparer.Ordinal)
                .ToList();
            var table = new Table().AddColumns("policy", "precision", "device", "env", "episodes",
                "return (mean ± std)", "success %", "mean steps");
            foreach (var name in metrics) table.AddColumn(Markup.Escape(name));
            table.AddRow([
                Markup.Escape(loaded.Policy.Label), Markup.Escape(loaded.Precision),
                Markup.Escape(DeviceOption.Describe(placed)), Markup.Escape(envName), $"{evaluation.Episodes.Count}",
                $"{evaluation.MeanReturn:F1} ± {evaluation.StdReturn:F1}", $"{evaluation.SuccessRate:F0}",
                $"{evaluation.Episodes.Average(e => e.Steps):F0}",
                .. metrics.Select(m => $"{evaluation.MeanMetric(m):G4}"),
            ]);
            console.Write(table);
            return 0;
        }));
        return command;
    }
}

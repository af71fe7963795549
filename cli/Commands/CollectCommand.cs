using System.CommandLine;
using Qail.Envs;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail collect`: expert demonstrations of a built-in env, saved to one safetensors file.</summary>
internal static class CollectCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Built-in environment (see `qail envs`).",
            Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Expert episodes to record.", DefaultValueFactory =
            _ => 40 }.Within(1, OptionLimits.Episodes);
        var seed = new Option<int>("--seed") { Description =
            "Seed of the episodes (episode i uses a seed derived from it).", DefaultValueFactory = _ => 0 };
        var noise = new Option<double>("--noise") { Description =
            "DART noise added to the executed expert actions (labels stay clean).", DefaultValueFactory = _ =>
            0.1 }.NonNegative();
        var steps = new Option<int>("--steps")
        {
            Description = "End each episode after this many steps (smoke runs of slow experts); 0: whole episodes.",
            DefaultValueFactory = _ => 0,
        }.Within(0, OptionLimits.EpisodeSteps);
        var output = new Option<string>("--out") { Description = "Demonstrations file to write (.safetensors).",
            Required = true };
        var cache = new Option<string?>("--cache")
        {
            Description = "Directory of demonstrations cached by recipe (env, expert, episodes, seed, noise): reuse, "
                + "or collect and store.",
        };
        var command = new Command("collect", "Record expert demonstrations of a built-in environment.") { env, episodes,
            seed, noise, steps, output, cache };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            string envName = EnvName.Require(result.GetValue(env)!);
            string path = InputFile.Output(result.GetValue(output)!, "--out");
            int maxSteps = result.GetValue(steps);
            string source = "collected";
            Demonstrations demos;
            if (result.GetValue(cache) is { } directory)
            {
                demos = DemonstrationCache.GetOrCollect(envName, result.GetValue(episodes), result.GetValue(seed),
                    result.GetValue(noise),
                    directory, out bool hit, maxSteps);
                source = hit ? "cache hit" : "collected, cached";
            }
            else
            {
                demos = Demonstrations.Collect(envName, result.GetValue(episodes), result.GetValue(seed),
                    result.GetValue(noise),
                    maxSteps: maxSteps);
            }
            demos.Save(path);
            var returns = Enumerable.Range(0, demos.Episodes)
                .Select(e => demos.Rewards.AsSpan((int)demos.EpisodeOffsets[e], (int)(demos.EpisodeOffsets[e + 1]
                    - demos.EpisodeOffsets[e])).ToArray().Sum(r => (double)r))
                .ToArray();
            // The expert's return over the recorded episodes, as executed (with the DART noise, if any).
            var table = new Table().AddColumns("env", "episodes", "steps", "expert return (mean)", "expert success %",
                "source", "file");
            table.AddRow(Markup.Escape(envName), $"{demos.Episodes}", $"{demos.Steps}", $"{returns.Average():F1}",
                $"{100.0 * demos.Successes.Count(s => s == 1) / demos.Episodes:F0}", source, Markup.Escape(path));
            console.Write(table);
            return 0;
        }));
        return command;
    }
}

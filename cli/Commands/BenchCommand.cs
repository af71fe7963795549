using System.CommandLine;
using Qail.Envs;
using Qail.Deployment;
using Qail.Kernels.Cpu;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail bench`: batch-1 latency and model size of policy files on this machine, relative to the first.
/// </summary>
internal static class BenchCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var policies = new Option<string[]>("--policy") { Description =
            "Policy files to time (repeat the option); speed-ups are relative to the first.", Required = true };
        var env = new Option<string?>("--env") { Description =
            "Environment whose first observation is the input (default: the first checkpoint's)." };
        var seed = new Option<int>("--seed") { Description = "Seed of the env reset giving the observation.",
            DefaultValueFactory = _ => 0 };
        var iterations = new Option<int>("--iterations") { Description =
            "Timed calls per policy.", DefaultValueFactory = _ => 2000 }.Within(1, OptionLimits.Iterations);
        var device = DeviceOption.Create();
        var command = new Command("bench", "Time batch-1 inference of policies (full-precision checkpoints run on the "
            + "fp32 runtime): median, p90, bytes, speed-up.")
        {
            policies, env, seed, iterations, device,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            var loaded = result.GetValue(policies)!.Select(p => PolicyFile.Load(p, "--policy")).ToList();
            string envName = result.GetValue(env) ?? loaded.Select(p => p.EnvName).FirstOrDefault(n => n is not null)
                ?? throw new ArgumentException("--env: deployed policies do not record their env; give --env.");
            foreach (var p in loaded) PolicyFile.CheckFits(p, envName);
            var observation = Env.Make(envName, result.GetValue(seed)).Reset(result.GetValue(seed));
            var table = new Table().AddColumns("file", "policy", "precision", "device", "median µs", "p90 µs", "bytes",
                "speed-up");
            double first = 0;
            foreach (var p in loaded)
            {
                var placed = DeviceOption.Place(PolicyFile.Deployable(p), result.GetValue(device)!, p.Path);
                try
                {
                    var latency = LatencyProbe.Measure(placed, observation, iterations: result.GetValue(iterations));
                    if (first == 0) first = latency.MedianMicroseconds;
                    table.AddRow(Markup.Escape(Path.GetFileName(p.Path)), Markup.Escape(p.Policy.Label),
                        Markup.Escape(p.Precision), Markup.Escape(DeviceOption.Describe(placed)),
                        $"{latency.MedianMicroseconds:F2}", $"{latency.P90Microseconds:F2}", $"{p.ModelBytes}",
                        $"{first / latency.MedianMicroseconds:F2}x");
                }
                finally
                {
                    (placed as IDisposable)?.Dispose();
                }
            }
            table.Caption($"CPU kernels: {Markup.Escape(Qail.Kernels.Cpu.KernelDispatch.Describe())}");
            console.Write(table);
            console.WriteLine($"CPU kernel path: {KernelDispatch.Describe()}");
            return 0;
        }));
        return command;
    }
}

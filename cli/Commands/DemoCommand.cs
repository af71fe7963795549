using System.CommandLine;
using Qail.Experiments;
using Qail.Quantization;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>`qail demo`: the whole chain on a built-in env, printing the FP / PTQ / QAT / QAIL+QBC table.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var env = new Option<string>("--env") { Description = "Built-in environment.", DefaultValueFactory = _ => "cartpole-balance" };
        var bits = new Option<int>("--bits") { Description = "Weight bit width (2..8).", DefaultValueFactory = _ => 4 };
        var granularity = new Option<QuantGranularity>("--granularity") { Description = "Weight scales per tensor, per channel or per group.", DefaultValueFactory = _ => QuantGranularity.PerGroup };
        var group = new Option<int>("--group-size") { Description = "Weight group size for per-group scales.", DefaultValueFactory = _ => 32 };
        var actBits = new Option<int>("--act-bits") { Description = "Activation bit width (0 for weight-only).", DefaultValueFactory = _ => 0 };
        var demos = new Option<int>("--demos") { Description = "Expert episodes to imitate.", DefaultValueFactory = _ => 40 };
        var evals = new Option<int>("--episodes") { Description = "Evaluation episodes per policy.", DefaultValueFactory = _ => 20 };
        var epochs = new Option<int>("--epochs") { Description = "Behaviour-cloning epochs.", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed of everything.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo", "Collect demonstrations, train the FP policy, quantize it (PTQ, QAT, QAIL+QBC, SQIL) and evaluate all in closed loop.")
        {
            env, bits, granularity, group, actBits, demos, evals, epochs, seed,
        };
        command.SetAction(result =>
        {
            var scales = result.GetValue(granularity);
            int a = result.GetValue(actBits);
            var config = new QuantConfig
            {
                Weights = new TensorQuantSpec(result.GetValue(bits), true, scales, scales == QuantGranularity.PerGroup ? result.GetValue(group) : 0),
                Activations = a > 0 ? new TensorQuantSpec(a, false) : null,
            };
            var options = new StudyOptions
            {
                Env = result.GetValue(env)!,
                Config = config,
                DemoEpisodes = result.GetValue(demos),
                EvalEpisodes = result.GetValue(evals),
                Training = new Training.TrainOptions { Epochs = result.GetValue(epochs) },
                Seed = result.GetValue(seed),
            };
            var console = AnsiConsole.Console;
            var study = QuantizationStudy.Run(options, new ConsoleProgress(console));
            var table = new Table().AddColumns("policy", "return (mean ± std)", "success %", "mean action error vs FP");
            foreach (var row in study.Rows)
                table.AddRow(row.Name, $"{row.Evaluation.MeanReturn:F1} ± {row.Evaluation.StdReturn:F1}", $"{row.Evaluation.SuccessRate:F0}",
                    row.Discrepancy.Length == 0 ? "-" : $"{row.Discrepancy.Average():F4}");
            console.Write(table);
            return 0;
        });
        return command;
    }
}

using System.CommandLine;

namespace Qail.Cli.Commands;

/// <summary>The `qail` root command with every subcommand; Program.cs and the tests invoke what this builds.</summary>
public static class QailCommandLine
{
    /// <summary>A fresh root command: demo, envs, collect, train, quantize, eval, bench, render, import, export.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("qail: imitation-learning policies quantized to 8 and 4 bits without losing closed-loop success.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(EnvsCommand.Create());
        root.Subcommands.Add(CollectCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(QuantizeCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new VersionAction();
        return root;
    }
}

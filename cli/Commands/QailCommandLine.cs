using System.CommandLine;

namespace Qail.Cli.Commands;

/// <summary>The `qail` root command with every subcommand; Program.cs and the tests invoke what this builds.</summary>
public static class QailCommandLine
{
    /// <summary>
    /// A fresh root command: demo, study, envs, collect, train, quantize, eval, bench, render, import, export.
    /// </summary>
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "qail: imitation-learning policies quantized to 8 and 4 bits without losing closed-loop success.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
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

    /// <summary>
    /// Parses and runs `qail args...`: a command line that does not parse ends as one "error:" line with exit code 2,
    /// as every fault inside a command does.
    /// </summary>
    public static int Invoke(string[] args, InvocationConfiguration? configuration = null)
    {
        var result = Build().Parse(args);
        configuration ??= new InvocationConfiguration();
        return result.Errors.Count > 0
            ? CommandOutput.ParseErrors(result, configuration.Error) : result.Invoke(configuration);
    }
}

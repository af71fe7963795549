using System.CommandLine;
using Qail.Envs;
using Qail.Import;
using Qail.Policies;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail import`: a PyTorch-trained policy (state dict as safetensors) into a full-precision checkpoint.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var from = new Option<string>("--from")
        {
            Description = "PyTorch state dict saved with safetensors (F32, F16 or BF16).", Required = true,
        };
        var env = new Option<string>("--env")
        {
            Description = "Env the policy acts in; picks the family (MLP, CILRS, VLA) and sizes.", Required = true,
        };
        var hidden = new Option<string>("--hidden")
        {
            Description = "Hidden widths of the MLP, comma-separated.", DefaultValueFactory = _ => "256,256",
        };
        var output = new Option<string>("--out")
        {
            Description = "Full-precision checkpoint to write (.safetensors), as `qail train` does.", Required = true,
        };
        var command = new Command("import",
            "Import a PyTorch policy (README: module layout and names per family) for quantize, eval, bench.")
        {
            from, env, hidden, output,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            string envName = EnvName.Require(result.GetValue(env)!);
            var widths = PolicyFile.ParseHidden(result.GetValue(hidden)!, "--hidden");
            string path = InputFile.Writable(result.GetValue(output)!, "--out");
            var spec = Env.Lookup(envName).Create().Spec;
            string family = PolicyFactory.FamilyFor(spec);
            var network = PolicyFactory.Create(family, spec, widths, seed: 0);
            var report = InputFile.Read(result.GetValue(from)!, "--from", "PyTorch state dict",
                p => TorchImport.Load(network, p));
            network.Eval();
            PolicyFile.SaveFullPrecision(network, family, envName, widths, 0, path);
            var table = new Table()
                .AddColumns("env", "family", "parameters", "tensors", "dtypes", "kept from the env", "file");
            string kept = report.DefaultedBuffers.Count == 0 ? "-" : string.Join(", ", report.DefaultedBuffers);
            table.AddRow(Markup.Escape(envName), family, $"{network.ParameterCount}", $"{report.Loaded}",
                string.Join(" ", report.DTypes), Markup.Escape(kept), Markup.Escape(path));
            console.Write(table);
            return 0;
        }));
        return command;
    }
}

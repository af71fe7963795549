using System.CommandLine;
using Qail.Onnx;
using Qail.Runtime;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail export`: a deployed policy file as an ONNX model, for ONNX Runtime, TensorRT and other runtimes.
/// </summary>
internal static class ExportCommand
{
    /// <summary>The command with its options and action.</summary>
    public static Command Create()
    {
        var policy = new Option<string>("--policy") { Description =
            "Deployed policy from `qail quantize` (FP32, W8A8, W4, ...).", Required = true };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory =
            _ => "onnx" }.AcceptOnlyFromAmong("onnx");
        var output = new Option<string>("--out") { Description = "Model file to write (.onnx).", Required = true };
        var command = new Command("export", "Export a deployed policy (MLP, CILRS, VLA) to ONNX (opset 21: MatMul / "
            + "Conv, QDQ for W8A8, int4 DequantizeLinear for W4).")
        {
            policy, format, output,
        };
        command.SetAction(result => CommandOutput.Run(result, console =>
        {
            string path = InputFile.Writable(result.GetValue(output)!, "--out");
            // The runtime's loader validates the untrusted file first; the export then reads the same tensors.
            var model = InputFile.Read(result.GetValue(policy)!, "--policy", "deployed policy", p =>
            {
                DeployedPolicy.Load(p);
                try
                {
                    return DeployedPolicyOnnx.Export(p);
                }
                catch (NotSupportedException e)
                {
                    throw new ArgumentException(e.Message, e);
                }
            });
            File.WriteAllBytes(path, model);
            console.MarkupLine($"wrote {Markup.Escape(path)} ({model.Length} bytes, ONNX opset 21)");
            return 0;
        }));
        return command;
    }
}

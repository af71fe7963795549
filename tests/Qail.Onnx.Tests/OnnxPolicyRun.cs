using Microsoft.ML.OnnxRuntime;
using Qail.Envs;

namespace Qail.Onnx.Tests;

/// <summary>One action of an exported policy in ONNX Runtime, feeding the graph inputs the model declares.</summary>
internal static class OnnxPolicyRun
{
    public static float[] Act(InferenceSession session, Observation observation)
    {
        var names = new List<string>();
        var values = new List<OrtValue>();
        try
        {
            foreach (var name in session.InputMetadata.Keys)
            {
                names.Add(name);
                values.Add(name switch
                {
                    "state" => OrtValue.CreateTensorValueFromMemory(observation.State!, [1, observation.State!.Length]),
                    "image" => OrtValue.CreateTensorValueFromMemory(observation.Image!,
                        [.. session.InputMetadata[name].Dimensions.Select(d => (long)d)]),
                    "instruction" => OrtValue.CreateTensorValueFromMemory(
                        Array.ConvertAll(observation.Instruction!, t => (long)t), [observation.Instruction!.Length]),
                    _ => OrtValue.CreateTensorValueFromMemory(new long[] { observation.Command!.Value }, [1]),
                });
            }
            using var run = new RunOptions();
            using var outputs = session.Run(run, names, values, ["action"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }
}

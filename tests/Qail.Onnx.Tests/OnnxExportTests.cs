using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;
using Qail.Testing.Policies;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Onnx.Tests;

/// <summary>
/// Deployed MLP policies exported to ONNX run in ONNX Runtime and act as our runtime does, on states drawn around the
/// policy's normalisation. FP32: within 1e-5 of the action range (the same fp32 products summed in another order).
/// Quantized: within 2e-3 of the range. The integer weights and activation codes are the same, but ONNX Runtime
/// dequantizes and sums in fp32 where we sum codes exactly in int32 and rescale once (relative 1e-6 per layer),
/// and an input lying within that error of a rounding tie can land on the neighbouring code: one code moves a
/// hidden unit by one activation step (about 1% of its range at 8 bits, far more at 4); the bound holds when at most
/// a few such flips reach the tanh output, and the test reports the largest error it saw.
/// </summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    private static readonly EnvSpec Spec = new(5, null, null, 0,
        new ActionSpace([-2f, -1f, 0f], [2f, 1f, 3f]), 100, 0.01);

    private static MlpPolicy FullPrecision()
    {
        var policy = new MlpPolicy(Spec, [64, 32], seed: 17);
        policy.Eval();
        return policy;
    }

    private static float[][] States(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
            Enumerable.Range(0, 5).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray())];
    }

    internal static DeployedPolicy Deployed(string config)
    {
        var fp = FullPrecision();
        if (config == "FP32") return Export.ToFloatPolicy(fp);
        var quant = config switch
        {
            "W8A8" => QuantConfig.W8A8(),
            "W4A4" => QuantConfig.W4A4(),
            "W4g16" => QuantConfig.W4(16),
            _ => QuantConfig.WeightOnly(4),
        };
        var prepared = (MlpPolicy)Quantizer.Prepare(fp, quant, seed: 3);
        if (quant.Activations is not null)
        {
            var batch = PolicyBatch.FromObservations([.. States(64, 5).Select(s => new Observation(s))], Spec);
            Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
        }
        prepared.Eval();
        return Export.ToIntegerPolicy(prepared);
    }

    [Theory]
    [InlineData("FP32", 1e-5)]
    [InlineData("W8A8", 2e-3)]
    [InlineData("W4A4", 2e-3)]
    [InlineData("W4g16", 2e-3)]
    [InlineData("W4", 2e-3)]
    public void OnnxRuntimeActsAsOurRuntime(string config, double bound)
    {
        var deployed = Deployed(config);
        var model = DeployedPolicyOnnx.Export(SafeTensors.Deserialize(deployed.ToBytes()), config);
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        float[] RunOnnx(float[] state)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(state, [1, state.Length]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["state"], [input], ["action"]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray();
        }
        // The kit measures against each action's half range: a fraction of the range is twice that of the half.
        double worst = PolicyAssert.ExportMatches(deployed, RunOnnx, States(200, 9), Spec.Action, 2 * bound,
            $"ONNX Runtime ({config})") / 2;
        output.WriteLine($"{config}: largest action difference {worst:G3} of the range (bound {bound:G3})");
        // And as a property: a failing generated state is shrunk and printed with its replay seed.
        PolicyAssert.ExportMatches(deployed, RunOnnx, PolicyGenerators.State(5, scale: 2), Spec.Action, 2 * bound,
            $"ONNX Runtime ({config})");
    }

    [Fact]
    public void AnOpTheExportDoesNotKnowIsRefusedByName()
    {
        var archive = SafeTensors.Deserialize(Deployed("FP32").ToBytes());
        var metadata = archive.Metadata.ToDictionary(m => m.Key, m => m.Value);
        string key = DeployedPolicyOnnx.ConfigKey;
        metadata[key] = metadata[key].Replace("\"relu\"", "\"swish\"", StringComparison.Ordinal);
        var edited = SafeTensors.Deserialize(SafeTensors.Serialize(archive.Tensors, metadata));
        var error = Assert.Throws<NotSupportedException>(() => DeployedPolicyOnnx.Export(edited, "edited"));
        Assert.Contains("\"swish\"", error.Message, StringComparison.Ordinal);
    }
}

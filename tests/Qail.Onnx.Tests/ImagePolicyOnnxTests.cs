using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;
using Qail.Envs;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Onnx.Tests;

/// <summary>
/// Small CILRS (convolutions, residual adds, command branches) and VLA (patches, tokens, attention, binned actions)
/// policies exported to ONNX act in ONNX Runtime as in our runtime on random observations (pixels, states, token ids
/// with padding, commands). FP32 within 1e-5 of each action's range. Quantized within the bound each row states: ONNX
/// Runtime dequantizes and sums in fp32 (or requantizes in its fused integer kernels) where we sum codes exactly in
/// int32 (relative 1e-6 per layer), so an activation within that error of a rounding tie can take the neighbouring
/// code; one such flip moves the next layer's outputs by one input step times a weight (about 1% of a unit's range at
/// 8 bits). The bound, 2e-3 of the range as for the MLP, allows a few such flips damped by the squashing head; argmax
/// bin decoding can move a whole bin (1/256 of the range) when two logits are that close, so it allows two bins. The
/// largest difference seen is printed, and the observations must move the actions (by more than 1e-3 of the range).
/// </summary>
public sealed class ImagePolicyOnnxTests(ITestOutputHelper output)
{
    internal static PolicyNetwork Network(string family) => family switch
    {
        "cilrs" => new CilrsPolicy(Env.Make("driving-nocrash-tt", 0).Spec, seed: 6, width: 4, featureSize: 32,
            headHidden: 16),
        "vla" => new VlaPolicy(Env.Make("libero-spatial", 0).Spec, seed: 7, modelDim: 32, layers: 2, heads: 2,
            patchSize: 16),
        _ => new VlaPolicy(Env.Make("libero-spatial", 0).Spec, seed: 7, modelDim: 32, layers: 1, heads: 2,
            patchSize: 16)
        {
            Decoding = ActionDecoding.Expectation,
        },
    };

    // Random pixels, states around the normalisation, token ids with trailing padding (id 0), any command.
    internal static Observation[] Observations(EnvSpec spec, int count, int seed)
    {
        var random = new Random(seed);
        var image = spec.Image!;
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var pixels = new byte[image.Height * image.Width * image.Channels];
            random.NextBytes(pixels);
            var state = Enumerable.Range(0, spec.StateSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            int[]? words = null;
            if (spec.Instruction is { } instruction)
            {
                int used = random.Next(1, instruction.Length + 1);
                words = [.. Enumerable.Range(0, instruction.Length)
                    .Select(i => i < used ? random.Next(1, instruction.VocabularySize) : 0)];
            }
            int? command = spec.CommandCount > 0 ? random.Next(spec.CommandCount) : null;
            return new Observation(state, pixels, words, command);
        })];
    }

    internal static DeployedPolicy Deployed(PolicyNetwork network, string config)
    {
        network.Eval();
        if (config == "FP32") return Export.ToFloatPolicy(network);
        var quant = config switch
        {
            "W8A8" => QuantConfig.W8A8(),
            "W4A4" => QuantConfig.W4A4(),
            _ => QuantConfig.W4(32),
        };
        var prepared = (PolicyNetwork)Quantizer.Prepare(network, quant, seed: 3);
        if (quant.Activations is not null)
        {
            var batch = PolicyBatch.FromObservations(Observations(network.Spec, 16, seed: 5), network.Spec);
            Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
        }
        prepared.Eval();
        return Export.ToIntegerPolicy(prepared);
    }

    [Theory]
    [InlineData("cilrs", "FP32", 1e-5)]
    [InlineData("cilrs", "W8A8", 2e-3)]
    [InlineData("cilrs", "W4A4", 2e-3)]
    [InlineData("cilrs", "W4g32", 2e-3)]
    [InlineData("vla", "FP32", 1e-5)]
    [InlineData("vla", "W8A8", 1e-2)]
    [InlineData("vla", "W4A4", 1e-2)]
    [InlineData("vla", "W4g32", 1e-2)]
    [InlineData("vla-expectation", "FP32", 1e-5)]
    [InlineData("vla-expectation", "W8A8", 2e-3)]
    [InlineData("vla-expectation", "W4g32", 2e-3)]
    public void OnnxRuntimeActsAsOurRuntime(string family, string config, double bound)
    {
        var network = Network(family);
        var deployed = Deployed(network, config);
        var model = DeployedPolicyOnnx.Export(SafeTensors.Deserialize(deployed.ToBytes()), $"{family}_{config}");
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var spec = network.Spec;
        double worst = 0;
        var actions = new List<float[]>();
        foreach (var observation in Observations(spec, 24, seed: 9))
        {
            var ours = deployed.Act(new PolicyInputs
            {
                State = observation.State, Image = observation.Image, Instruction = observation.Instruction,
                Command = observation.Command,
            });
            var theirs = OnnxPolicyRun.Act(session, observation);
            actions.Add(ours);
            Assert.Equal(ours.Length, theirs.Length);
            for (int d = 0; d < ours.Length; d++)
            {
                double error = Math.Abs(ours[d] - theirs[d]) / (spec.Action.High[d] - spec.Action.Low[d]);
                worst = Math.Max(worst, error);
                Assert.True(error <= bound, $"{family} {config}: action {d} is {ours[d]} in our runtime, " +
                    $"{theirs[d]} in ONNX Runtime ({error:G3} of the range, bound {bound:G3}).");
            }
        }
        // The observations must move the actions, or agreeing would say little.
        double spread = Enumerable.Range(0, spec.Action.Size).Max(d =>
            (actions.Max(a => a[d]) - actions.Min(a => a[d])) / (spec.Action.High[d] - spec.Action.Low[d]));
        output.WriteLine($"{family} {config}: largest action difference {worst:G3} of the range (bound {bound:G3}); " +
            $"actions spread over {spread:G3} of the range");
        Assert.True(spread > 1e-3, $"{family} {config}: the actions spread over only {spread:G3} of the range.");
    }
}

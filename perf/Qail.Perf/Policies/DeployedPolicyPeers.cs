using SafeTensors = Qail.Engine.Serialization.SafeTensors;
using Qail.Envs;
using Qail.Exporting;
using Qail.Onnx;
using Qail.Perf.Peers;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Perf.Policies;

/// <summary>
/// Deployed policies at batch 1 in our runtime against the same files exported to ONNX and run in ONNX Runtime
/// (CPU provider, IO binding, intra-op threads as the row says; our runtime runs batch 1 on one thread). The networks
/// are each env's default size (MLP 256x256 on pendulum-swingup, CILRS on driving-nocrash-tt, VLA on libero-spatial)
/// with seeded random weights, quantized by PTQ with activations calibrated on random observations: speed does not
/// depend on training.
/// </summary>
internal static class DeployedPolicyPeers
{
    /// <summary>One row per ORT thread count, family and precision: "deployed t2 cilrs W8A8".</summary>
    public static IEnumerable<PeerComparison> All(string[] configs, int[] threads)
    {
        foreach (int t in threads)
            foreach (var (family, env) in Families)
                foreach (var config in configs)
                    yield return new PeerComparison($"deployed t{t} {family} {config}", $"ORT {t}t", 0,
                        () => Pair(family, env, config, t));
    }

    private static readonly (string Family, string Env)[] Families =
        [("mlp", "pendulum-swingup"), ("cilrs", "driving-nocrash-tt"), ("vla", "libero-spatial")];

    private static PeerPair Pair(string family, string env, string config, int threads)
    {
        var spec = Env.Make(env, 0).Spec;
        var deployed = Deploy(PolicyFactory.Create(family, spec, [256, 256], seed: 1), config);
        var model = DeployedPolicyOnnx.Export(SafeTensors.Deserialize(deployed.ToBytes()), $"{family}_{config}");
        var observation = Observations(spec, 1, seed: 7)[0];
        var action = new float[deployed.ActionSize];
        var peer = new OnnxPolicySession(model, threads, observation, deployed.ActionSize);
        var layers = deployed.Describe().Where(IsWeightLine).ToList();
        Console.WriteLine($"# {family} {config}: ours {deployed.Describe().Count} ops, {layers.Count} weight layers, " +
            $"e.g. {layers[^1]}");
        Console.WriteLine($"#   ORT runs {peer.Operators}");
        void Ours() => deployed.Act(new PolicyInputs
        {
            State = observation.State, Image = observation.Image, Instruction = observation.Instruction,
            Command = observation.Command,
        }, action);
        return new PeerPair(Ours, peer.Run, peer.Dispose);
    }

    private static bool IsWeightLine(string line) => line.StartsWith("linear", StringComparison.Ordinal);

    private static DeployedPolicy Deploy(PolicyNetwork network, string config)
    {
        network.Eval();
        if (config == "FP32") return Export.ToFloatPolicy(network);
        var quant = config switch
        {
            "W8A8" => QuantConfig.W8A8(),
            "W4A4" => QuantConfig.W4A4(),
            "W4g32" => QuantConfig.W4(32),
            _ => throw new ArgumentException($"unknown precision {config}", nameof(config)),
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

    // Random pixels, states, token ids with trailing padding and commands.
    private static Observation[] Observations(EnvSpec spec, int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            byte[]? pixels = null;
            if (spec.Image is { } image)
            {
                pixels = new byte[image.Height * image.Width * image.Channels];
                random.NextBytes(pixels);
            }
            var state = Enumerable.Range(0, spec.StateSize).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            int[]? words = spec.Instruction is { } instruction
                ? [.. Enumerable.Range(0, instruction.Length)
                    .Select(i => i < instruction.Length / 2 ? random.Next(1, instruction.VocabularySize) : 0)]
                : null;
            return new Observation(state, pixels, words, spec.CommandCount > 0 ? random.Next(spec.CommandCount) : null);
        })];
    }
}

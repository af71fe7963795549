using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Engine.Serialization;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;
using Qail.Tests.Policies;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Tests.Exporting;

/// <summary>
/// The deployed VLA acts as the (fake-quant) network does at batch 1, on libero-spatial observations from expert
/// demonstrations and on the same frames with random instructions (interior, trailing and all-padding words).
/// Expectation decoding is continuous in the logits, so it bounds their disagreement: with fp32 or weight-only layers
/// only the float summation order differs (|delta| &lt;= FloatTolerance of the half range). With quantized activations
/// a reordered sum can move a value across a rounding boundary of the next layer's input grid and flip one code: such
/// observations are allowed on at most a quarter of a case's, each within FlipTolerance. Argmax actions are compared
/// too; a flip to a neighbouring bin needs a near-tie of two logits and is counted, allowed at the same rates.
/// </summary>
public class VlaExportTests
{
    private const string Seed = "(20261126,17)";
    private const double FloatTolerance = 1e-5;
    private const double HeadGain = 10;
    private const double FlipTolerance = 0.1;
    private static readonly string[] Configs = ["FP32", "W8A8", "W4A4", "W4"];

    private static readonly Lazy<Demonstrations> Demos = new(() =>
        StepLimitedEnv.Collect("libero-spatial", 2, maxSteps: 4, seed: 5));

    public sealed record VlaCase(int ModelDim, int Layers, int Patch, string ConfigName, int Seed)
    {
        public override string ToString() =>
            $"{ConfigName}: dim {ModelDim}, {Layers} layers, patch {Patch}, seed {Seed}";

        public bool QuantizesActivations => ConfigName is "W8A8" or "W4A4";

        public QuantConfig? Config => ConfigName switch
        {
            "FP32" => null,
            "W8A8" => QuantConfig.W8A8(),
            "W4A4" => QuantConfig.W4A4(),
            _ => QuantConfig.W4(),
        };

        /// <summary>
        /// The network as exported: full precision, or fake-quantized with activations calibrated on the
        /// demonstrations.
        /// </summary>
        public VlaPolicy Network()
        {
            var demos = Demos.Value;
            var fp = new VlaPolicy(Env.Lookup("libero-spatial").Create().Spec, Seed, ModelDim, Layers, heads: 2,
                patchSize: Patch);
            fp.FitNormalization(demos);
            // Sharpen the head as training does (fresh logits are near-uniform over 256 bins, where the expectation
            // hardly moves with them): with logits of about +-20 the expected action resolves logit differences of
            // 1e-4.
            var head = fp.NamedParameters().Single(p => p.Key == "action_head.weight").Value.Value;
            fp.ReplaceParameter("action_head.weight", Variable.Parameter(Engine.Tensor.Mul(head, HeadGain)));
            if (Config is not QuantConfig config) return fp;
            var prepared = (VlaPolicy)Quantizer.Prepare(fp, config, seed: Seed);
            if (QuantizesActivations)
            {
                var batch = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(0, demos.Steps).ToArray());
                Quantizer.CalibrateActivations(prepared, [batch], b => prepared.Predict(b));
            }
            return prepared;
        }

        public DeployedPolicy Deploy(VlaPolicy network) =>
            Config is null ? Export.ToFloatPolicy(network) : Export.ToIntegerPolicy(network);
    }

    private static Gen<VlaCase> Cases(params string[] configs) =>
        from dim in Gen.Elements(16, 24, 32)
        from layers in Gen.Choose(1, 2)
        from patch in Gen.Elements(8, 16)
        from config in Gen.Elements(configs.Length > 0 ? configs : Configs)
        from seed in Gen.Choose(0, 1_000_000)
        select new VlaCase(dim, layers, patch, config, seed);

    /// <summary>
    /// Demonstration frames, then two of them with random instructions: padding inside and at the end, and all padding.
    /// </summary>
    internal static IReadOnlyList<Observation> Observations()
    {
        var demos = Demos.Value;
        var spec = Env.Lookup("libero-spatial").Create().Spec;
        int length = demos.InstructionLength, frame = demos.ImageShape!.Aggregate(1, (a, b) => a * b),
            n = demos.StateSize;
        Observation At(int step, int[]? words = null) =>
            new(demos.States!.AsSpan(step * n, n).ToArray(), demos.Images!.AsSpan(step * frame, frame).ToArray(),
            words ?? demos.Instructions!.AsSpan(step * length, length).ToArray());
        var random = new Random(3);
        var mixed = Enumerable.Range(0, length)
            .Select(i => i >= length - 2 || random.Next(3) == 0 ? 0 : random.Next(1, spec.Instruction!.VocabularySize))
            .ToArray();
        return [.. Enumerable.Range(0, demos.Steps).Where(s => s % 2 == 0).Select(s => At(s)), At(1, mixed),
            At(3, new int[length])];
    }

    [Property(MaxTest = 10, Replay = Seed)]
    public Property DeployedPolicyActsAsTheNetwork() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        var network = c.Network();
        network.Decoding = ActionDecoding.Expectation;
        var expectation = c.Deploy(network);
        network.Decoding = ActionDecoding.Argmax;
        var argmax = c.Deploy(network);
        var observations = Observations();
        var low = network.Spec.Action.Low;
        var high = network.Spec.Action.High;
        int beyondFloat = 0, argmaxFlips = 0;
        double worst = 0;
        network.Eval();
        foreach (var observation in observations)
        {
            Engine.Tensor logits;
            using (GradMode.NoGrad())
                logits = network.Predict(PolicyBatch.FromObservation(observation, network.Spec)).Value;
            network.Decoding = ActionDecoding.Expectation;
            var expected = network.ToAction(logits, 0);
            network.Decoding = ActionDecoding.Argmax;
            var expectedArgmax = network.ToAction(logits, 0);
            var actual = expectation.Act(observation);
            var actualArgmax = argmax.Act(observation);
            double stateWorst = 0;
            for (int d = 0; d < expected.Length; d++)
            {
                stateWorst = Math.Max(stateWorst, Math.Abs(expected[d] - actual[d]) / ((high[d] - low[d]) / 2.0));
                if (expectedArgmax[d] != actualArgmax[d]) argmaxFlips++;
            }
            if (stateWorst > FloatTolerance) beyondFloat++;
            worst = Math.Max(worst, stateWorst);
        }
        int allowed = c.QuantizesActivations ? observations.Count / 4 : 0;
        Assert.True(beyondFloat <= allowed, $"{c}: {beyondFloat} of {observations.Count} observations differ beyond "
            + $"float rounding (worst {worst:E3} of the half range).");
        Assert.True(worst <= (c.QuantizesActivations ? FlipTolerance : FloatTolerance),
            $"{c}: worst expectation difference {worst:E3} of the half range.");
        Assert.True(argmaxFlips <= Math.Max(1, allowed),
            $"{c}: {argmaxFlips} argmax actions of {observations.Count} observations moved to another bin.");
    });

    [Property(MaxTest = 4, Replay = Seed)]
    public Property FileRoundTripIsBitExact() => Prop.ForAll(Cases().ToArbitrary(), c =>
    {
        var policy = c.Deploy(c.Network());
        var bytes = policy.ToBytes();
        var loaded = DeployedPolicy.FromBytes(bytes);
        Assert.Equal(bytes, loaded.ToBytes());
        Assert.Equal(policy.ModelBytes, loaded.ModelBytes);
        Assert.Equal(policy.Describe(), loaded.Describe());
        foreach (var observation in Observations().Take(3))
            Assert.Equal(policy.Act(observation), loaded.Act(observation));
    });

    [Fact]
    public void GraphReadsImageStateAndInstruction()
    {
        var c = new VlaCase(16, 2, 16, "W4", 1);
        var policy = c.Deploy(c.Network());
        Assert.Equal(["image[3x64x64]", "state[5]", "instruction[" + Demos.Value.InstructionLength + "]"],
            policy.Inputs.Select(i => i.Describe()));
        Assert.Null(EnvInputs.Mismatch(policy, Env.Lookup("libero-spatial").Create().Spec));
        // The first block attends from every token; the last only from the action queries, whose rows alone are read
        // after it.
        Assert.Equal(["masked attention 2 heads [61, 16] (21 + 40 word tokens)",
            "masked attention 2 heads [61, 16] (21 + 40 word tokens), 4 query rows"],
            policy.Describe().Where(op => op.StartsWith("masked attention")));
        Assert.All(policy.Describe().Where(op => op.StartsWith("linear")), op => Assert.Contains("int4", op));
    }

    [Theory]
    [InlineData("\"heads\":2", "\"heads\":3", "not a multiple of 'heads' = 3")]
    [InlineData("\"prefix\":21", "\"prefix\":0", "attribute 'prefix' = 0 lies outside")]
    [InlineData("\"expectation\":false", "\"expectation\":1", "'expectation' is missing or not a boolean")]
    public void CorruptedAttributesAreRefusedNamingTheProblem(string find, string replace, string expected)
    {
        var c = new VlaCase(16, 1, 16, "W8A8", 2);
        var bytes = c.Deploy(c.Network()).ToBytes();
        var archive = SafeTensors.Deserialize(bytes);
        var config = archive.Metadata[DeployedPolicy.ConfigKey];
        int at = config.IndexOf(find, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the config has no {find}");
        var metadata = archive.Metadata.ToDictionary(p => p.Key, p => p.Value);
        metadata[DeployedPolicy.ConfigKey] = config[..at] + replace + config[(at + find.Length)..];
        var corrupted = SafeTensors.Serialize(archive.Tensors.ToDictionary(p => p.Key, p => p.Value), metadata);
        var error = Assert.ThrowsAny<CheckpointException>(() => DeployedPolicy.FromBytes(corrupted));
        Assert.Contains(expected, error.Message);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Experiments;
using Qail.Nn;
using Qail.Policies;
using Qail.Quantization;

namespace Qail.Tests.Quantization;

public class AwqTests
{
    private const string Seed = "(41,7)";

    private static EnvSpec StateSpec(int stateSize) =>
        new(stateSize, null, null, 0, new ActionSpace([-1f, -2f], [1f, 2f]), 10, 0.1);

    // 8x8 rasters of 2 channels, ego speed, 3 commands (as CilrsPolicyTests).
    private static EnvSpec DrivingSpec() =>
        new(1, new ImageSpec(8, 8, 2), null, 3, new ActionSpace([-1f, 0f, 0f], [1f, 1f, 1f]), 10, 0.1);

    // 8x8 RGB, 2 state dims, 2 action dims of 6 bins, 5-word instructions (as VlaPolicyTests).
    private static EnvSpec ManipulationSpec() =>
        new(2, new ImageSpec(8, 8, 3), new InstructionSpec(5, 7, ["<pad>", "a", "b", "c", "d", "e", "f"]), 0,
        new ActionSpace([-0.5f, -1f], [0.5f, 1f], Bins: 6), 10, 0.1);

    // States whose outlier channels are `outlierGain` times larger than the rest: the case AWQ's scales are for.
    private static List<PolicyBatch> StateBatches(int stateSize, int[] outliers, double outlierGain, int batches,
        int rows, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, batches).Select(_ =>
        {
            var states = new float[rows * stateSize];
            for (int i = 0; i < states.Length; i++)
                states[i] = (float)((2 * random.NextDouble() - 1)
                    * (outliers.Contains(i % stateSize) ? outlierGain : 1));
            return new PolicyBatch(Tensor.From<float>(states, [rows, stateSize]), null, null, null, null);
        }).ToList();
    }

    private static List<PolicyBatch> ImageBatches(EnvSpec spec, int batches, int rows, int seed)
    {
        var random = new Random(seed);
        var image = spec.Image!;
        return Enumerable.Range(0, batches).Select(_ =>
        {
            var pixels = Enumerable.Range(0, rows * image.Channels * image.Height * image.Width)
                .Select(_ => (float)random.NextDouble()).ToArray();
            var states = Enumerable.Range(0, rows * spec.StateSize).Select(_ => (float)(random.NextDouble() * 4))
                .ToArray();
            Tensor? words = spec.Instruction is InstructionSpec ins
                ? Tensor.From<int>(Enumerable.Range(0, rows * ins.Length).Select(i => i % ins.Length < 3
                    ? 1 + random.Next(ins.VocabularySize - 1) : 0).ToArray(), [rows, ins.Length])
                : null;
            Tensor? commands = spec.CommandCount > 0 ? Tensor.From<int>(Enumerable.Range(0, rows)
                .Select(_ => random.Next(spec.CommandCount)).ToArray(), [rows]) : null;
            return new PolicyBatch(Tensor.From<float>(states, [rows, spec.StateSize]),
                Tensor.From<float>(pixels, [rows, image.Channels, image.Height, image.Width]),
                words, commands, null);
        }).ToList();
    }

    // Non-trivial norms and normalisers, so that folding 1/s into them is exercised on values other than 1 and 0.
    private static T Randomized<T>(T network, int seed) where T : PolicyNetwork
    {
        var random = new Random(seed);
        foreach (var (name, p) in network.NamedParameters())
            if (name.EndsWith("norm1.weight") || name.EndsWith("norm2.weight") || name == "norm.weight"
                || (name.Contains("bn") || name.EndsWith(".1.weight")) && p.Value.Rank == 1)
                Tensor.From<float>(Enumerable.Range(0, p.Value.Size(0)).Select(_ => (float)(0.5 + random.NextDouble()))
                    .ToArray()).Cast(p.Value.DType).CopyTo(p.Value);
        foreach (var (name, b) in network.NamedBuffers())
            if (name.EndsWith("running_var") || name.EndsWith("_std"))
                Tensor.From<float>(Enumerable.Range(0, b.Size(0)).Select(_ => (float)(0.3 + 2 * random.NextDouble()))
                    .ToArray()).Cast(b.DType).CopyTo(b);
            else if (name.EndsWith("running_mean") || name.EndsWith("_mean"))
                Tensor.From<float>(Enumerable.Range(0, b.Size(0)).Select(_ => (float)(random.NextDouble() - 0.5))
                    .ToArray()).Cast(b.DType).CopyTo(b);
        network.Eval();
        return network;
    }

    public static TheoryData<string> Families => new() { "mlp", "cilrs", "vla" };

    private static (PolicyNetwork Network, List<PolicyBatch> Batches) Small(string family) => family switch
    {
        "mlp" => (Randomized(new MlpPolicy(StateSpec(6), [16, 16], seed: 3), 4),
            StateBatches(6, [1, 4], 20, 2, 32, seed: 5)),
        "cilrs" => (Randomized(new CilrsPolicy(DrivingSpec(), seed: 3, width: 2, featureSize: 4, headHidden: 3), 4),
            ImageBatches(DrivingSpec(), 2, 8, seed: 5)),
        "vla" => (Randomized(new VlaPolicy(ManipulationSpec(), seed: 3, modelDim: 8, layers: 1, heads: 2, patchSize: 4),
            4), ImageBatches(ManipulationSpec(), 2, 6, seed: 5)),
        _ => throw new ArgumentException(family),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void RescaledNetworkComputesTheSameFunctionAndTheInputIsUntouched(string family)
    {
        var (network, batches) = Small(family);
        var before = network.StateDict().Select(p => p.Value.ToDoubleArray()).ToList();
        var config = QuantConfig.Create(3, QuantGranularity.PerChannel, activationBits: 8);
        var searched = Awq.Apply(network, config, batches);
        // SmoothQuant's fixed strength scales every group, so every fold is exercised.
        var fixedAlpha = Awq.Apply(network, config, batches, new AwqOptions { FixedAlpha = 0.5 });

        Assert.Contains(searched.Scalings, s => s.Alpha > 0);
        Assert.All(searched.Scalings, s => Assert.True(s.Error <= s.RoundToNearestError,
            $"{string.Join(",", s.Layers)}: {s.Error} > {s.RoundToNearestError}"));
        Assert.All(fixedAlpha.Scalings, s => Assert.Equal(0.5, s.Alpha));
        using var noGrad = GradMode.NoGrad();
        foreach (var result in new[] { searched, fixedAlpha })
            foreach (var batch in batches)
            {
                var expected = network.Predict(batch).Value.ToDoubleArray();
                var actual = result.Rescaled.Predict(batch).Value.ToDoubleArray();
                double scale = expected.Max(Math.Abs);
                for (int i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * (1 + scale),
                        $"{family} output {i}: {actual[i]} vs {expected[i]}");
                Assert.All(result.Student.Predict(batch).Value.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
            }
        Assert.Equal(before, network.StateDict().Select(p => p.Value.ToDoubleArray()).ToList());
        Assert.All(Quantizer.Layers(network), l => Assert.Null(l.Weight));
        Assert.All(Quantizer.Layers(searched.Student), l => Assert.NotNull(l.Weight));
    }

    [Fact]
    public void LayersWhoseInputCannotAbsorbAScaleAreReported()
    {
        var (cilrs, cilrsBatches) = Small("cilrs");
        var cilrsSkips = Awq.Apply(cilrs, QuantConfig.WeightOnly(4), cilrsBatches)
            .Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal(["encoder.0.0", "speed_in"], cilrsSkips.Keys.Order());
        Assert.Contains("raw image", cilrsSkips["encoder.0.0"]);

        var (vla, vlaBatches) = Small("vla");
        var vlaResult = Awq.Apply(vla, QuantConfig.WeightOnly(4), vlaBatches);
        var vlaSkips = vlaResult.Skipped.ToDictionary(s => s.Path, s => s.Reason);
        Assert.Equal(["action_queries", "blocks.0.mlp.2", "patch_embed", "word_embed"], vlaSkips.Keys.Order());
        Assert.Contains("GELU", vlaSkips["blocks.0.mlp.2"]);
        Assert.Contains(vlaResult.Scalings, s =>
            s.Layers.SequenceEqual(["blocks.0.attention.query", "blocks.0.attention.key", "blocks.0.attention.value"]));

        var (mlp, mlpBatches) = Small("mlp");
        var firstKept = Awq.Apply(mlp, QuantConfig.WeightOnly(4) with { SkipFirstLayer = true }, mlpBatches);
        Assert.Equal([new AwqSkip("body.0", "kept in full precision by the config")], firstKept.Skipped);
        var perTensor = Awq.Apply(mlp, QuantConfig.Create(4, QuantGranularity.PerTensor), mlpBatches);
        Assert.Equal(["body.2", "body.4"], perTensor.Skipped.Select(s => s.Path));
        Assert.All(perTensor.Skipped, s => Assert.Contains("per-tensor", s.Reason));
    }

    [Fact]
    public void AQuantizedNetworkIsRejected()
    {
        var (mlp, batches) = Small("mlp");
        var prepared = (PolicyNetwork)Quantizer.Prepare(mlp, QuantConfig.WeightOnly(4));
        var error = Assert.Throws<ArgumentException>(() => Awq.Apply(prepared, QuantConfig.WeightOnly(4), batches));
        Assert.Contains("body.0", error.Message);
        Assert.Throws<ArgumentException>(() => Awq.Apply(mlp, QuantConfig.WeightOnly(4), []));
    }

    /// <summary>
    /// Per layer, the AWQ student's output error on the calibration data (mapped back to the original output space) is
    /// at most round-to-nearest's: the search includes alpha = 0, which is round-to-nearest.
    /// </summary>
    [Property(MaxTest = 25, Replay = Seed)]
    public Property LayerOutputErrorNeverExceedsRoundToNearest(PositiveInt seedArg)
    {
        int seed = seedArg.Get;
        var random = new Random(seed);
        int stateSize = 4 + random.Next(7);
        var hidden = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => 8 + 4 * random.Next(4)).ToArray();
        var outliers = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => random.Next(stateSize)).Distinct().ToArray();
        QuantConfig[] configs =
        [
            QuantConfig.WeightOnly(4), QuantConfig.WeightOnly(3),
            QuantConfig.Create(4, QuantGranularity.PerGroup, groupSize: 4),
            QuantConfig.Create(4, QuantGranularity.PerChannel, activationBits: 4),
            QuantConfig.Create(8, QuantGranularity.PerChannel, activationBits: 8),
        ];
        var config = configs[random.Next(configs.Length)];
        // Mse: AWQ's clipping step
        var calibration = random.Next(2) == 0 ? CalibrationMethod.MinMax : CalibrationMethod.Mse;
        var network = new MlpPolicy(StateSpec(stateSize), hidden, seed);
        network.Eval();
        var batches = StateBatches(stateSize, outliers, 5 + 45 * random.NextDouble(), 2, 24, seed + 1);

        var awq = Awq.Apply(network, config, batches, new AwqOptions { WeightCalibration = calibration });
        var rtn = (PolicyNetwork)Quantizer.Prepare(network, config, calibration);
        if (config.Activations is not null) Quantizer.CalibrateActivations(rtn, batches, b => rtn.Predict(b));
        var rtnErrors = LayerErrors(network, network, rtn, batches);
        var awqErrors = LayerErrors(network, awq.Rescaled, awq.Student, batches);
        var worse = rtnErrors.Keys.Where(k => awqErrors[k] > rtnErrors[k] * (1 + 1e-3) + 1e-9).ToList();
        return (worse.Count == 0).Label($"{config.Label} {calibration}, hidden [{string.Join(",", hidden)}]: layers "
            + $"{string.Join(", ", worse.Select(k => $"{k} AWQ {awqErrors[k]:G6} > RTN {rtnErrors[k]:G6}"))}")
            .And(awq.Scalings.All(s => s.Error <= s.RoundToNearestError))
                .Label("a searched error exceeds its alpha = 0 error");
    }

    [Fact]
    public void StudyPreparesAnAwqStudentForPendulum()
    {
        var demos = Demonstrations.Collect("pendulum-swingup", 2, seed: 9);
        var teacher = (PolicyNetwork)PolicyFactory.Create("mlp", Env.Lookup("pendulum-swingup").Create().Spec,
            [16, 16], 2);
        teacher.FitNormalization(demos);
        var student = QuantizationStudy.PrepareAwqStudent(teacher, QuantConfig.W4A4(), demos, seed: 1);
        Assert.All(Quantizer.Layers(student), l => Assert.NotNull(l.Input));
        using var noGrad = GradMode.NoGrad();
        var batch = QuantizationStudy.CalibrationBatches(demos, 3, batches: 1, size: 16).Single();
        Assert.All(student.Predict(batch).Value.ToDoubleArray(), v => Assert.True(double.IsFinite(v)));
        Assert.Equal("PTQ-AWQ", QuantMethod.Awq.Display());
    }

    // Squared error of each quantized layer against its full-precision twin, both fed the twin's inputs. A rescaled
    // twin's output channel c is the original's divided by the next group's s_c, so errors are mapped back to the
    // original space by the per-channel ratio of the original network's FP layer outputs to the twin's.
    private static Dictionary<string, double> LayerErrors(PolicyNetwork original, PolicyNetwork twin,
        PolicyNetwork quantized, IReadOnlyList<PolicyBatch> batches)
    {
        var originalInputs = LayerInputs(original, batches);
        var twinInputs = LayerInputs(twin, batches);
        quantized.Eval();
        using var noGrad = GradMode.NoGrad();
        var errors = new Dictionary<string, double>();
        foreach (var (path, x) in twinInputs)
        {
            var fp = (WeightedLayer)twin.FindModule(path);
            var reference = (WeightedLayer)original.FindModule(path);
            int channels = ((Linear)fp).OutFeatures;
            var y = fp.ForwardWith(Variable.Constant(x), fp.Weight).Value.ToDoubleArray();
            var yOriginal = reference.ForwardWith(Variable.Constant(originalInputs[path]), reference.Weight)
                .Value.ToDoubleArray();
            var yq = ((WeightedLayer)quantized.FindModule(path)).Forward(Variable.Constant(x)).Value.ToDoubleArray();
            var ratio = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                double num = 0, den = 0;
                for (int i = c; i < y.Length; i += channels)
                    (num, den) = (num + Math.Abs(yOriginal[i]), den + Math.Abs(y[i]));
                ratio[c] = den > 0 ? num / den : 1;
            }
            errors[path] = y.Select((v, i) => Math.Pow((yq[i] - v) * ratio[i % channels], 2)).Sum();
        }
        return errors;
    }

    // Each weight layer's inputs over the batches (rows concatenated), from a full-precision network.
    private static Dictionary<string, Tensor> LayerInputs(PolicyNetwork network, IReadOnlyList<PolicyBatch> batches)
    {
        var inputs = new Dictionary<string, List<Tensor>>();
        var layers = network.NamedModules().Where(m => m.Value is WeightedLayer).ToDictionary(m => m.Key,
            m => (WeightedLayer)m.Value);
        foreach (var (path, layer) in layers)
        {
            var list = inputs[path] = [];
            layer.InputTransform = new FunctionTransform(x => { list.Add(x.Value.Clone()); return x; });
        }
        network.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            foreach (var batch in batches) network.Predict(batch);
        }
        finally
        {
            foreach (var layer in layers.Values) layer.InputTransform = null;
        }
        return inputs.ToDictionary(i => i.Key, i => Tensor.Concat(i.Value, 0));
    }
}

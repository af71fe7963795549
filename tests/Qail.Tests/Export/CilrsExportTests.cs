using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Deployment;
using Qail.Envs;
using Qail.Exporting;
using Qail.Nn;
using Qail.Engine.Serialization;
using Qail.Policies;
using Qail.Quantization;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Tests.Exporting;

/// <summary>
/// The deployed CILRS policy acts as the (fake-quant) network does, under every command, on expert driving rasters.
/// Tolerances are relative to each action's half range. FP32 (against the unfolded network with random batch-norm
/// statistics) and W4 weight-only differ only by float summation order and the exact BN fold (|delta| &lt;= 1e-5).
/// With quantized activations a reordered sum can move a value of a conv map across a rounding boundary of the next
/// layer's input grid and flip one code by one step: such observations are allowed on at most a quarter of those of a
/// case, and even then |delta| stays below a tenth of the half range (measured: no flip, worst 1.2e-7, on these seeds).
/// </summary>
public class CilrsExportTests
{
    private const string Seed = "(20261126,23)";
    private const double FloatTolerance = 1e-5;
    private const double FlipTolerance = 0.1;
    private const int Steps = 6;

    [Property(MaxTest = 12, Replay = Seed)]
    public Property DeployedPolicyActsAsTheNetwork() => Prop.ForAll(CilrsCase.Generator().ToArbitrary(), c =>
    {
        var (reference, deployed) = Pair(c);
        var deltas = Deltas(reference, deployed);
        int flipped = deltas.Count(d => d > FloatTolerance);
        if (c.QuantizesActivations)
        {
            Assert.True(flipped <= deltas.Length / 4, $"{c}: {flipped} of {deltas.Length} observations differ beyond "
                + $"float rounding (worst {deltas.Max():E3}).");
            Assert.True(deltas.Max() <= FlipTolerance,
                $"{c}: worst difference {deltas.Max():E3} of the half range exceeds one-code flips.");
        }
        else
            Assert.True(flipped == 0,
                $"{c}: worst difference {deltas.Max():E3} of the half range exceeds float rounding.");
    });

    [Property(MaxTest = 8, Replay = Seed)]
    public Property BatchNormFoldingPreservesTheFullPrecisionFunction() =>
        Prop.ForAll(CilrsCase.Generator("FP32").ToArbitrary(), c =>
    {
        var fp = c.FullPrecision();
        var before = fp.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone());
        var folded = BatchNormFolding.Fold(fp);
        folded.Eval();
        Assert.Null(BatchNormFolding.UnfoldedPath(folded));
        Assert.Equal("encoder.0.1", BatchNormFolding.UnfoldedPath(fp));
        // the original is untouched
        Assert.All(fp.StateDict(), p => Assert.Equal(before[p.Key].ToDoubleArray(), p.Value.ToDoubleArray()));
        var batch = PolicyBatch.FromDemonstrations(CilrsCase.Demos,
            Enumerable.Range(0, 8).Select(i => i * 3).ToArray());
        var expected = fp.Predict(batch).Value.ToDoubleArray();
        var actual = folded.Predict(batch).Value.ToDoubleArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                $"{c}: output {i} {actual[i]} != {expected[i]}.");
    });

    [Fact]
    public void PreparedNetworksAreFoldedAndStillTrain()
    {
        var c = new CilrsCase(2, 8, 8, "W8A8", 5);
        var prepared = c.Prepared(c.FullPrecision());
        Assert.Null(BatchNormFolding.UnfoldedPath(prepared));
        Assert.Contains(Quantizer.Layers(prepared),
            l => l.Path == "encoder.1.shortcut.0" && l.Weight is not null && l.Input is not null);
        prepared.Train();
        var batch = PolicyBatch.FromDemonstrations(CilrsCase.Demos, Enumerable.Range(0, 8).ToArray());
        prepared.ImitationLoss(prepared.Predict(batch), batch).Backward();
        foreach (var path in new[] { "encoder.0.0.weight", "encoder.0.0.bias", "encoder.1.conv1.weight",
            "encoder.3.conv2.bias", "encoder.2.shortcut.0.weight" })
        {
            var grad = prepared.NamedParameters().Single(p => p.Key == path).Value.Grad;
            Assert.True(grad is Tensor g && g.Square().Sum().ToDoubleArray()[0] > 0, $"{path} receives no gradient.");
        }
    }

    [Fact]
    public void UnfoldedBatchNormIsRefused()
    {
        var fp = new CilrsCase(2, 8, 8, "FP32", 1).FullPrecision();
        var error = Assert.Throws<ArgumentException>(() => Export.ToIntegerPolicy(fp));
        Assert.Contains("'encoder.0.1' is an unfolded batch norm", error.Message);
        Assert.True(Export.CanExport(fp));
    }

    [Theory]
    [InlineData("W8A8")]
    [InlineData("W4")]
    [InlineData("FP32")]
    public void FileRoundTripActsIdentically(string config)
    {
        var policy = Deployed(config);
        var bytes = policy.ToBytes();
        var loaded = DeployedPolicy.FromBytes(bytes);
        Assert.Equal(bytes, loaded.ToBytes());
        Assert.Equal(policy.ModelBytes, loaded.ModelBytes);
        Assert.Equal(policy.Inputs, loaded.Inputs);
        string path = Path.Combine(Path.GetTempPath(), $"qail-cilrs-{config}-{Environment.ProcessId}.safetensors");
        try
        {
            policy.Save(path);
            var fromFile = DeployedPolicy.Load(path);
            foreach (var observation in CilrsCase.Observations(2))
            {
                var expected = policy.Act(observation);
                Assert.Equal(expected, loaded.Act(observation));
                Assert.Equal(expected, fromFile.Act(observation));
            }
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string, string, string> Corruptions() => new()
    {
        { "\"kernel\":3", "\"kernel\":9", "attribute 'kernel' = 9 lies outside 1..7" },
        { "\"padding\":1", "\"padding\":3", "attribute 'padding' = 3 lies outside 0..2" },
        { "\"stride\":2", "\"stride\":1", "(linear_int8) input 0 takes" },
        { "\"channels_last\":false", "\"channels_last\":0", "attribute 'channels_last' is missing or not a boolean" },
        { "\"commands\":4", "\"commands\":3", "(command_select) takes 4 inputs, 5 given" },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void CorruptedConvAttributesAreRefusedNamingTheProblem(string original, string replacement, string expected)
    {
        var policy = Deployed("W8A8");
        var archive = SafeTensors.Deserialize(policy.ToBytes());
        var metadata = archive.Metadata.ToDictionary(p => p.Key, p => p.Value);
        string config = metadata[DeployedPolicy.ConfigKey];
        int at = config.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the config has no {original}");
        metadata[DeployedPolicy.ConfigKey] = config[..at] + replacement + config[(at + original.Length)..];
        var bytes = SafeTensors.Serialize(archive.Tensors.ToDictionary(p => p.Key, p => p.Value), metadata);
        var error = Assert.ThrowsAny<CheckpointException>(() => DeployedPolicy.FromBytes(bytes));
        Assert.Contains(expected, error.Message);
    }

    /// <summary>The deployed policy of a small CILRS case at <paramref name="config"/>.</summary>
    internal static DeployedPolicy Deployed(string config) => Pair(new CilrsCase(2, 8, 8, config, 17)).Deployed;

    private static (IPolicy Reference, DeployedPolicy Deployed) Pair(CilrsCase c)
    {
        var fp = c.FullPrecision();
        if (c.Config is null) return (new EvalModePolicy(fp, "fp"), Export.ToFloatPolicy(fp));
        var prepared = c.Prepared(fp);
        return (new EvalModePolicy(prepared, "fake quant"), Export.ToIntegerPolicy(prepared));
    }

    // Worst |delta| over the action dims relative to each dim's half range, per observation (steps x commands).
    private static double[] Deltas(IPolicy reference, IDeployedPolicy deployed)
    {
        var low = CilrsCase.Spec.Action.Low;
        var high = CilrsCase.Spec.Action.High;
        return CilrsCase.Observations(Steps).Select(observation =>
        {
            var expected = reference.Act(observation);
            var actual = deployed.Act(observation);
            Assert.Equal(expected.Length, actual.Length);
            return expected.Select((e, i) => Math.Abs(e - actual[i]) / ((high[i] - low[i]) / 2.0)).Max();
        }).ToArray();
    }
}

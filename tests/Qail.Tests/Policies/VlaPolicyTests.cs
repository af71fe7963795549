using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Policies;
using Qail.Quantization;
using Qail.Testing;
using Qail.Training;

namespace Qail.Tests.Policies;

public class VlaPolicyTests
{
    private const string Seed = "(23,5)";

    private static readonly Lazy<Demonstrations> Demos = new(() =>
        Demonstrations.Collect("libero-spatial", 2, seed: 6));

    // 8x8 RGB, 2 state dims, 2 action dims of 6 bins, 5-word instructions over 7 words.
    private static EnvSpec TinySpec() =>
        new(2, new ImageSpec(8, 8, 3), new InstructionSpec(5, 7, ["<pad>", "a", "b", "c", "d", "e", "f"]), 0,
        new ActionSpace([-0.5f, -1f], [0.5f, 1f], Bins: 6), 10, 0.1);

    private static VlaPolicy Tiny(long seed, DType dtype = DType.Float64) =>
        new(TinySpec(), seed, modelDim: 8, layers: 1, heads: 2, patchSize: 4, dtype: dtype);

    private static PolicyBatch RandomBatch(EnvSpec spec, int[][] words, int seed)
    {
        var random = new Random(seed);
        int b = words.Length;
        var image = spec.Image!;
        var pixels = Enumerable.Range(0, b * image.Channels * image.Height * image.Width)
            .Select(_ => (float)random.NextDouble()).ToArray();
        var states = Enumerable.Range(0, b * spec.StateSize).Select(_ => (float)random.NextDouble()).ToArray();
        var actions = Enumerable.Range(0, b).SelectMany(_ => Enumerable.Range(0, spec.Action.Size)
            .Select(d => (float)(spec.Action.Low[d]
                + random.NextDouble() * (spec.Action.High[d] - spec.Action.Low[d])))).ToArray();
        var ids = words.SelectMany(w => w.Concat(Enumerable.Repeat(0, spec.Instruction!.Length - w.Length))).ToArray();
        return new PolicyBatch(Tensor.From<float>(states, [b, spec.StateSize]),
            Tensor.From<float>(pixels, [b, image.Channels, image.Height, image.Width]),
            Tensor.From<int>(ids, [b, spec.Instruction!.Length]), null,
            Tensor.From<float>(actions, [b, spec.Action.Size]));
    }

    [Fact]
    public void LossAndAlignmentGradientsMatchFiniteDifferences()
    {
        var net = Tiny(3);
        net.Eval();
        var batch = RandomBatch(net.Spec, [[1, 2, 3], [4], [5, 6, 1, 1]], seed: 7);
        var teacher = Tensor.From<double>(Enumerable.Range(0, 3 * 2 * 6).Select(i => Math.Cos(i)).ToArray(), [3, 2, 6]);
        string[] paths = ["action_head.weight", "patch_embed.bias", "word_embed.weight",
            "blocks.0.attention.query.weight", "action_queries.weight", "state_embed.bias"];
        var start = paths.Select(p => net.NamedParameters().Single(n => n.Key == p).Value.Value.Clone()).ToArray();
        GradientAssert.MatchesFiniteDifferences("VLA bins", inputs =>
        {
            for (int i = 0; i < paths.Length; i++) net.ReplaceParameter(paths[i], inputs[i]);
            var outputs = net.Predict(batch);
            return net.ImitationLoss(outputs, batch) + net.Alignment(outputs, teacher).Mean();
        }, start);
    }

    [Property(MaxTest = 15, Replay = Seed)]
    public Property PaddingWordsDoNotChangeTheLogits(PositiveInt seedArg)
    {
        int seed = seedArg.Get;
        var random = new Random(seed);
        var words = Enumerable.Range(0, 2 + random.Next(3))
            .Select(_ => Enumerable.Range(0, random.Next(6)).Select(_ => 1 + random.Next(6)).ToArray()).ToArray();
        var net = Tiny(seed, DType.Float32);
        var batch = RandomBatch(net.Spec, words, seed);
        using var noGrad = GradMode.NoGrad();
        var together = net.Predict(batch).Value;
        bool same = true;
        for (int i = 0; i < words.Length; i++)
        {
            // Alone, a sample's instruction is trimmed to its own length; in the batch its padding is masked instead.
            var alone = net.Predict(new PolicyBatch(batch.States!.Slice(0, i, i + 1), batch.Images!.Slice(0, i, i + 1),
                batch.Instructions!.Slice(0, i, i + 1), null, null)).Value.ToArray<float>();
            var row = together.Select(0, i).Contiguous().ToArray<float>();
            same &= alone.Zip(row).All(p => Math.Abs(p.First - p.Second) < 1e-4f);
        }
        return same.Label($"instructions {string.Join(" | ", words.Select(w => string.Join(",", w)))}");
    }

    [Property(MaxTest = 10, Replay = Seed)]
    public Property ActionsAreBinCentresWithinBounds(PositiveInt seedArg)
    {
        var net = Tiny(seedArg.Get, DType.Float32);
        var batch = RandomBatch(net.Spec, [[1], [2, 3], [4, 5, 6]], seedArg.Get);
        using var noGrad = GradMode.NoGrad();
        var outputs = net.Predict(batch).Value;
        bool ok = true;
        for (int r = 0; r < 3; r++)
        {
            var action = net.ToAction(outputs, r);
            var bins = outputs.Select(0, r).ArgMax(1).ToArray<int>();
            ok &= action.SequenceEqual(net.Tokenizer.Decode(bins));
            for (int d = 0; d < action.Length; d++)
                ok &= action[d] >= net.Spec.Action.Low[d] && action[d] <= net.Spec.Action.High[d];
            net.Decoding = ActionDecoding.Expectation;
            var mean = net.ToAction(outputs, r);
            net.Decoding = ActionDecoding.Argmax;
            for (int d = 0; d < mean.Length; d++)
                ok &= mean[d] >= net.Spec.Action.Low[d] && mean[d] <= net.Spec.Action.High[d];
        }
        return ok.ToProperty();
    }

    [Fact]
    public void ExpectationOfAConfidentDistributionIsItsBinCentre()
    {
        var net = Tiny(6, DType.Float32);
        net.Decoding = ActionDecoding.Expectation;
        var logits = new float[2 * 6];
        logits[4] = 60; // dimension 0: bin 4
        logits[6 + 1] = 60; // dimension 1: bin 1
        var action = net.ToAction(Tensor.From<float>(logits, [1, 2, 6]), 0);
        Assert.Equal(net.Tokenizer.Decode([4, 1]), action, (a, b) => Math.Abs(a - b) < 1e-5f);
        logits[5] = 60; // two equally likely bins: halfway between their centres
        Assert.Equal(-0.5 + 5 * net.Tokenizer.BinWidth(0),
            net.ToAction(Tensor.From<float>(logits, [1, 2, 6]), 0)[0], 5);
    }

    [Property(MaxTest = 20, Replay = Seed)]
    public Property BinTargetsAreDistributionsPeakedAtTheExpertBin(PositiveInt seedArg)
    {
        var random = new Random(seedArg.Get);
        var net = new VlaPolicy(TinySpec(), 1, modelDim: 8, layers: 1, heads: 2,
            patchSize: 4) { LabelSigmaBins = 0.3 + 3 * random.NextDouble() };
        int b = 1 + random.Next(4), a = net.Spec.Action.Size;
        var values = Enumerable.Range(0, b * a).Select(i => (float)(net.Spec.Action.Low[i % a]
            + random.NextDouble() * (net.Spec.Action.High[i % a] - net.Spec.Action.Low[i % a]))).ToArray();
        var actions = Tensor.From<float>(values, [b, a]);
        var targets = net.BinTargets(actions, b).ToArray<double>();
        var bins = net.ActionBins(actions, b).ToArray<int>();
        int classes = net.Spec.Action.Bins;
        bool ok = true;
        for (int i = 0; i < b * a; i++)
        {
            var row = targets.AsSpan(i * classes, classes).ToArray();
            int peak = Array.IndexOf(row, row.Max());
            ok &= Math.Abs(row.Sum() - 1) < 1e-9 && row.All(p => p >= 0) && Math.Abs(peak - bins[i]) <= 1;
        }
        return ok.Label($"sigma {net.LabelSigmaBins:F2}, actions {string.Join(",", values)}");
    }

    [Fact]
    public void ZeroLabelWidthIsTheOneHotCrossEntropy()
    {
        var net = Tiny(4, DType.Float32);
        net.LabelSigmaBins = 0;
        var batch = RandomBatch(net.Spec, [[1, 2], [3]], seed: 4);
        var outputs = net.Predict(batch);
        var expected = Nn.Losses.CrossEntropy(outputs, net.ActionBins(batch.Actions!, 2)).Item();
        Assert.Equal(expected, net.ImitationLoss(outputs, batch).Item(), 6);
        net.LabelSigmaBins = 2;
        Assert.True(net.ImitationLoss(outputs, batch).Item() > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.LabelSigmaBins = -1);
    }

    [Fact]
    public void AlignmentIsZeroForTheTeacherItselfAndPositiveOtherwise()
    {
        var net = Tiny(8, DType.Float32);
        var batch = RandomBatch(net.Spec, [[1, 2], [3]], seed: 8);
        var outputs = net.Predict(batch);
        var self = net.Alignment(outputs, outputs.Value).Value.ToArray<float>();
        Assert.Equal([2], net.Alignment(outputs, outputs.Value).Value.ShapeToArray());
        Assert.All(self, v => Assert.True(Math.Abs(v) < 1e-6));
        var other = Tiny(9, DType.Float32).Predict(batch).Value;
        Assert.All(net.Alignment(outputs, other).Value.ToArray<float>(), v => Assert.True(v > 1e-4));
    }

    [Fact]
    public void BadBatchesThrowNamingThePart()
    {
        var net = Tiny(5, DType.Float32);
        var good = RandomBatch(net.Spec, [[1], [2]], seed: 1);
        Assert.Contains("no images",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { Images = null })).Message);
        Assert.Contains("no instructions",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { Instructions = null })).Message);
        Assert.Contains("no states",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { States = null })).Message);
        Assert.Contains("token 7", Assert.Throws<ArgumentException>(() => net.Predict(
            good with { Instructions = Tensor.From<int>([1, 7, 0, 0, 0, 1, 0, 0, 0, 0], [2, 5]) })).Message);
        var outputs = net.Predict(good);
        Assert.Contains("no expert actions",
            Assert.Throws<ArgumentException>(() => net.ImitationLoss(outputs, good with { Actions = null })).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => net.ImitationLoss(outputs,
            good with { Actions = Tensor.From<float>([0f, 0f, 0.9f, 0f], [2, 2]) })).Message);
        Assert.Throws<ArgumentException>(() => net.ToAction(Tensor.Zeros([2, 2, 5]), 0));
        Assert.Throws<ArgumentException>(() => new VlaPolicy(TinySpec(), 1, patchSize: 3));
        Assert.Throws<ArgumentException>(() =>
            new VlaPolicy(TinySpec() with { Action = new ActionSpace([-1f], [1f]) }, 1));
    }

    [Fact]
    public void BehaviourCloningReducesTheLossOnManipulationDemonstrations()
    {
        var demos = Demos.Value;
        // One-hot targets: their loss floor is 0, so the relative drop is meaningful (spread targets floor at their
        // entropy).
        var net = new VlaPolicy(Env.Lookup(demos.EnvName).Create().Spec, 1, modelDim: 32,
            layers: 1) { LabelSigmaBins = 0 };
        var report = BehaviourCloning.Train(net, demos,
            new TrainOptions { Epochs = 8, BatchSize = 16, LearningRate = 3e-3, Seed = 2 });
        Assert.True(report.Loss[^1] < 0.7 * report.Loss[0],
            $"BC loss {string.Join(" -> ", report.Loss.Select(l => l.ToString("F3")))}");
    }

    [Fact]
    public void QuantizedStudentFineTunesWithSaliencyWeights()
    {
        var demos = Demos.Value;
        var teacher = new VlaPolicy(Env.Lookup(demos.EnvName).Create().Spec, 2, modelDim: 32, layers: 1);
        BehaviourCloning.Train(teacher, demos, new TrainOptions { Epochs = 2, BatchSize = 16, Seed = 3 });
        var student = (VlaPolicy)Quantizer.Prepare(teacher, QuantConfig.W4(groupSize: 8));
        int weightLayers = student.NamedModules().Count(m => m.Value is Nn.WeightedLayer);
        Assert.Equal(weightLayers, Quantizer.Layers(student).Count(l => l.Weight is not null));
        var report = QuantAwareImitation.FineTune(student, teacher, demos,
            new QailOptions { Epochs = 1, BatchSize = 16, Saliency = true, Seed = 4 });
        Assert.Single(report.Loss);
        Assert.True(double.IsFinite(report.Loss[0]) && report.AlignmentLoss[0] > 0);
        var action = new EvalModePolicy(student, "W4").Act(Env.Make(demos.EnvName, 9).Reset(9));
        for (int d = 0; d < action.Length; d++)
            Assert.InRange(action[d], student.Spec.Action.Low[d], student.Spec.Action.High[d]);
    }
}

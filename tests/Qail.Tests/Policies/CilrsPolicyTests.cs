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

public class CilrsPolicyTests
{
    private const string Seed = "(17,3)";

    private static readonly Lazy<Demonstrations> Demos = new(() =>
        StepLimitedEnv.Collect("driving-nocrash-tt", 2, 24, seed: 5));

    // 8x8 rasters of 2 channels, 3 commands: small enough for float64 finite differences.
    private static EnvSpec TinySpec() =>
        new(1, new ImageSpec(8, 8, 2), null, 3, new ActionSpace([-1f, 0f, 0f], [1f, 1f, 1f]), 10, 0.1);

    private static CilrsPolicy Tiny(long seed, DType dtype = DType.Float64)
    {
        var net = new CilrsPolicy(TinySpec(), seed, width: 2, featureSize: 4, headHidden: 3, dtype: dtype);
        net.Eval();
        return net;
    }

    private static PolicyBatch RandomBatch(EnvSpec spec, int[] commands, int seed)
    {
        var random = new Random(seed);
        int b = commands.Length;
        var image = spec.Image!;
        var pixels = Enumerable.Range(0, b * image.Channels * image.Height * image.Width)
            .Select(_ => (float)random.NextDouble()).ToArray();
        var speeds = Enumerable.Range(0, b).Select(_ => (float)(random.NextDouble() * 8)).ToArray();
        var actions = Enumerable.Range(0, b).SelectMany(_ => new[] { (float)(2 * random.NextDouble() - 1),
            (float)random.NextDouble(), (float)random.NextDouble() }).ToArray();
        return new PolicyBatch(Tensor.From<float>(speeds, [b, 1]),
            Tensor.From<float>(pixels, [b, image.Channels, image.Height, image.Width]),
            null, Tensor.From<int>(commands, [b]), Tensor.From<float>(actions, [b, 3]));
    }

    [Fact]
    public void CommandRoutingGradientsMatchFiniteDifferences()
    {
        var net = Tiny(3);
        var batch = RandomBatch(net.Spec, [0, 2, 2, 1, 0], seed: 11);
        var teacher = Tensor.From<double>(Enumerable.Range(0, 5 * 4).Select(i => Math.Sin(i) * 0.5).ToArray(), [5, 4]);
        string[] paths = ["heads.0.2.weight", "heads.2.0.weight", "heads.1.2.bias", "features.weight",
            "speed_in.weight"];
        var start = paths.Select(p => net.NamedParameters().Single(n => n.Key == p).Value.Value.Clone()).ToArray();
        GradientAssert.MatchesFiniteDifferences("CILRS command heads", inputs =>
        {
            for (int i = 0; i < paths.Length; i++) net.ReplaceParameter(paths[i], inputs[i]);
            var outputs = net.Predict(batch);
            return net.Alignment(outputs, teacher).Sum() + outputs.Slice(1, 3, 4).Square().Sum();
        }, start);
    }

    [Fact]
    public void OnlyTheCommandedHeadsReceiveGradient()
    {
        var net = Tiny(4);
        var batch = RandomBatch(net.Spec, [0, 2, 0, 2], seed: 12);
        net.Train();
        net.ImitationLoss(net.Predict(batch), batch).Backward();
        double Norm(string prefix) =>
            net.NamedParameters().Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(p => p.Value.Grad is Tensor g ? g.Square().Sum().ToDoubleArray()[0] : 0);
        Assert.True(Norm("heads.0.") > 0);
        Assert.True(Norm("heads.2.") > 0);
        Assert.Equal(0, Norm("heads.1."));
        Assert.True(Norm("encoder.") > 0);
        Assert.True(Norm("speed_head.") > 0);
    }

    [Property(MaxTest = 15, Replay = Seed)]
    public Property EachSampleUsesItsOwnCommandHead(PositiveInt seedArg)
    {
        int seed = seedArg.Get;
        var random = new Random(seed);
        var commands = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => random.Next(3)).ToArray();
        var net = Tiny(seed, DType.Float32);
        var batch = RandomBatch(net.Spec, commands, seed);
        using var noGrad = GradMode.NoGrad();
        var together = net.Predict(batch).Value.ToArray<float>();
        bool same = true;
        for (int i = 0; i < commands.Length; i++)
        {
            // Alone, and with every other command: only the commanded one reproduces the row.
            for (int c = 0; c < 3; c++)
            {
                var single = new PolicyBatch(batch.States!.Slice(0, i, i + 1), batch.Images!.Slice(0, i, i + 1), null,
                    Tensor.From<int>([c], [1]), null);
                var row = net.Predict(single).Value.ToArray<float>();
                bool actionsEqual = Enumerable.Range(0, 3).All(k => Math.Abs(row[k] - together[i * 4 + k]) < 1e-5f);
                same &= actionsEqual == (c == commands[i]);
                same &= Math.Abs(row[3] - together[i * 4 + 3]) < 1e-5f; // the speed head ignores the command
            }
        }
        return same.Label($"commands {string.Join(",", commands)}");
    }

    [Property(MaxTest = 10, Replay = Seed)]
    public Property ActionsStayWithinBounds(PositiveInt seedArg)
    {
        var net = Tiny(seedArg.Get, DType.Float32);
        var batch = RandomBatch(net.Spec, [0, 1, 2, 1], seedArg.Get);
        using var noGrad = GradMode.NoGrad();
        var outputs = net.Predict(batch).Value;
        var actions = Enumerable.Range(0, 4).Select(r => net.ToAction(outputs, r)).ToArray();
        return actions.All(a => a.Length == 3 && a[0] >= -1 && a[0] <= 1 && a[1] >= 0 && a[1] <= 1 && a[2] >= 0
            && a[2] <= 1).ToProperty();
    }

    [Fact]
    public void BadBatchesThrowNamingThePart()
    {
        var net = Tiny(5, DType.Float32);
        var good = RandomBatch(net.Spec, [0, 1], seed: 1);
        Assert.Contains("no images",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { Images = null })).Message);
        Assert.Contains("no commands",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { Commands = null })).Message);
        Assert.Contains("no states",
            Assert.Throws<ArgumentException>(() => net.Predict(good with { States = null })).Message);
        Assert.Contains("command 3", Assert.Throws<ArgumentException>(() => net.Predict(
            good with { Commands = Tensor.From<int>([0, 3], [2]) })).Message);
        Assert.Contains("[B, 2, 8, 8]", Assert.Throws<ArgumentException>(() => net.Predict(
            good with { Images = Tensor.Zeros([2, 3, 8, 8]) })).Message);
        var outputs = net.Predict(good);
        Assert.Contains("no expert actions",
            Assert.Throws<ArgumentException>(() => net.ImitationLoss(outputs, good with { Actions = null })).Message);
        Assert.Throws<ArgumentException>(() => net.ToAction(Tensor.Zeros([2, 3]), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.ToAction(outputs.Value, 2));
        var state = new EnvSpec(4, null, null, 0, new ActionSpace([-1f], [1f]), 10, 0.1);
        Assert.Throws<ArgumentException>(() => new CilrsPolicy(state, 1));
    }

    [Fact]
    public void BehaviourCloningReducesTheLossOnDrivingDemonstrations()
    {
        var demos = Demos.Value;
        var net = new CilrsPolicy(demos.EnvName is var name ? Env.Lookup(name).Create().Spec
            : throw new InvalidOperationException(), 1, width: 4, featureSize: 32, headHidden: 16);
        var report = BehaviourCloning.Train(net, demos,
            new TrainOptions { Epochs = 6, BatchSize = 16, LearningRate = 3e-3, Seed = 2 });
        Assert.True(report.Loss[^1] < 0.8 * report.Loss[0],
            $"BC loss {string.Join(" -> ", report.Loss.Select(l => l.ToString("F3")))}");
    }

    [Fact]
    public void QuantizedStudentFineTunesWithSaliencyWeights()
    {
        var demos = Demos.Value;
        var teacher = new CilrsPolicy(Env.Lookup(demos.EnvName).Create().Spec, 2, width: 4, featureSize: 32,
            headHidden: 16);
        BehaviourCloning.Train(teacher, demos, new TrainOptions { Epochs = 1, BatchSize = 16, Seed = 3 });
        var student = (CilrsPolicy)Quantizer.Prepare(teacher, QuantConfig.W4(groupSize: 8));
        int weightLayers = student.NamedModules().Count(m => m.Value is Nn.WeightedLayer);
        Assert.Equal(weightLayers, Quantizer.Layers(student).Count(l => l.Weight is not null));
        var scores = Saliency.Scores(teacher, demos, patchSize: 16);
        Assert.Equal(demos.Steps, scores.Length);
        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0));
        Assert.Contains(scores, s => s > 0);
        var report = QuantAwareImitation.FineTune(student, teacher, demos,
            new QailOptions { Epochs = 1, BatchSize = 16, Saliency = true, Seed = 4 });
        Assert.Single(report.Loss);
        Assert.True(double.IsFinite(report.Loss[0]) && report.AlignmentLoss[0] >= 0);
        using var noGrad = GradMode.NoGrad();
        var action = new EvalModePolicy(student, "W4").Act(Env.Make(demos.EnvName, 9).Reset(9));
        Assert.True(action[0] >= -1 && action[0] <= 1 && action[1] >= 0 && action[1] <= 1 && action[2] >= 0
            && action[2] <= 1);
    }
}

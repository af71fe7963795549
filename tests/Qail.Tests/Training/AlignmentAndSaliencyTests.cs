using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Training;

/// <summary>The QBC alignment term and SQIL's saliency on a small cartpole MLP.</summary>
public class AlignmentAndSaliencyTests
{
    private static readonly Lazy<Demonstrations> Demos = new(() =>
        Demonstrations.Collect("cartpole-balance", episodes: 1, seed: 5, actionNoise: 0.1));

    private static MlpPolicy Teacher()
    {
        var teacher = new MlpPolicy(Env.Lookup("cartpole-balance").Create().Spec, [16, 16], seed: 1);
        BehaviourCloning.Train(teacher, Demos.Value, new TrainOptions { Epochs = 1, Seed = 2 });
        return teacher;
    }

    private static PolicyBatch Batch(int count) =>
        PolicyBatch.FromDemonstrations(Demos.Value, Enumerable.Range(0, count).ToArray());

    [Fact]
    public void QbcAlignmentIsZeroForIdenticalModels()
    {
        var teacher = Teacher();
        var student = (PolicyNetwork)teacher.DeepCopy();
        var batch = Batch(64);
        Tensor teacherOutputs;
        using (GradMode.NoGrad()) teacherOutputs = teacher.Predict(batch).Value;
        var alignment = student.Alignment(student.Predict(batch), teacherOutputs).Value.ToDoubleArray();
        Assert.Equal(64, alignment.Length);
        Assert.All(alignment, a => Assert.Equal(0.0, a));
    }

    [Fact]
    public void QbcGradientReachesOnlyTheStudent()
    {
        var teacher = Teacher();
        var before = teacher.StateDict().Select(p => p.Value.ToDoubleArray()).ToList();
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, QuantConfig.Create(2, QuantGranularity.PerChannel));
        foreach (var p in teacher.NamedParameters()) p.Value.Grad = null; // left over from behaviour cloning
        var batch = Batch(64);
        var alignment = student.Alignment(student.Predict(batch), teacher.Predict(batch).Value).Mean();
        Assert.True(alignment.Item() > 0, "a 2-bit student should differ from its teacher");
        alignment.Backward();
        Assert.All(student.NamedParameters().Where(p => p.Value.RequiresGrad),
            p => Assert.True(p.Value.Grad is not null, $"{p.Key} receives no gradient."));
        Assert.All(teacher.NamedParameters(), p => Assert.Null(p.Value.Grad));

        QuantAwareImitation.FineTune(student, teacher, Demos.Value,
            new QailOptions { Epochs = 1, QbcWeight = 1.0, Seed = 3 });
        Assert.Equal(before, teacher.StateDict().Select(p => p.Value.ToDoubleArray()).ToList());
    }

    [Fact]
    public void SaliencyOfAnIrrelevantStateDimensionIsZero()
    {
        const int irrelevant = 2;
        var teacher = Teacher();
        var state = teacher.StateDict().ToDictionary(p => p.Key, p => p.Value);
        var first = state["body.0.weight"];
        var weights = first.ToArray<float>();
        int inputs = first.ShapeToArray()[1];
        for (int row = 0; row < weights.Length / inputs; row++) weights[row * inputs + irrelevant] = 0;
        state["body.0.weight"] = Tensor.From<float>(weights, first.ShapeToArray());
        teacher.LoadState(state);

        var perMask = Saliency.PerMask(teacher, Demos.Value);
        Assert.Equal(inputs, perMask.Length);
        Assert.All(perMask[irrelevant], change => Assert.Equal(0.0, change));
        for (int j = 0; j < inputs; j++)
            if (j != irrelevant) Assert.True(perMask[j].Average() > 0, $"state dimension {j} has no saliency");
    }

    [Fact]
    public void SaliencyDoesNotDependOnTheNumberOfWorkers()
    {
        var teacher = Teacher();
        Assert.Equal(Saliency.Scores(teacher, Demos.Value, workers: 1),
            Saliency.Scores(teacher, Demos.Value, workers: 3));
    }

    [Fact]
    public void PrecomputedSaliencyFineTunesExactlyLikeRecomputing()
    {
        var teacher = Teacher();
        var config = QuantConfig.Create(2, QuantGranularity.PerChannel);
        var start = (PolicyNetwork)Quantizer.Prepare(teacher, config, seed: 4);
        var options = new QailOptions { Epochs = 2, QbcWeight = 1.0, Saliency = true, Seed = 3 };
        var recomputed = (PolicyNetwork)start.DeepCopy();
        QuantAwareImitation.FineTune(recomputed, teacher, Demos.Value, options);
        var withScores = QuantAwareImitation.WithSaliencyScores(options, teacher, Demos.Value);
        Assert.Equal(Saliency.Scores(teacher, Demos.Value), withScores.SaliencyScores);
        var reused = (PolicyNetwork)start.DeepCopy();
        QuantAwareImitation.FineTune(reused, teacher, Demos.Value, withScores);
        Assert.Equal(recomputed.StateDict().Select(p => p.Value.ToDoubleArray()),
            reused.StateDict().Select(p => p.Value.ToDoubleArray()));

        var qat = options with { QbcWeight = 0, Saliency = false };
        Assert.Same(qat, QuantAwareImitation.WithSaliencyScores(qat, teacher, Demos.Value));
        var wrong = withScores with { SaliencyScores = new float[Demos.Value.Steps - 1] };
        var copy = (PolicyNetwork)start.DeepCopy();
        Assert.Throws<ArgumentException>(() => QuantAwareImitation.FineTune(copy, teacher, Demos.Value, wrong));
    }
}

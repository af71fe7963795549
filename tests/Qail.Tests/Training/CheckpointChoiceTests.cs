using Qail.Envs;
using Qail.Evaluation;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Training;

/// <summary>
/// Behaviour cloning stops on held-out episodes; fine-tuning hands back its best validated checkpoint, start included.
/// </summary>
public class CheckpointChoiceTests
{
    private static readonly Demonstrations Demos = Demonstrations.Collect("pendulum-swingup", 4, seed: 11,
        actionNoise: 0.1);

    private static MlpPolicy NewPolicy() => new(Env.Lookup("pendulum-swingup").Create().Spec, [16], seed: 12);

    [Fact]
    public void SplitHoldsOutWholeEpisodesAtTheEnd()
    {
        var split = DemonstrationSplit.Of(Demos, 0.25);
        Assert.Equal((int)Demos.EpisodeOffsets[3], split.Validation[0]);
        Assert.Equal(Demos.Steps, split.Train.Length + split.Validation.Length);
        Assert.Empty(DemonstrationSplit.Of(Demos, 0).Validation);
    }

    [Fact]
    public void BehaviourCloningKeepsTheEpochWithTheLowestValidationLoss()
    {
        var policy = NewPolicy();
        var report = BehaviourCloning.Train(policy, Demos,
            new TrainOptions { Epochs = 6, ValidationFraction = 0.25, Patience = 2 });
        Assert.NotNull(report.ChosenEpoch);
        Assert.NotNull(report.Validation);
        var best = report.Validation!.MinBy(v => v.Value);
        Assert.Equal(best.Epoch, report.ChosenEpoch);
        var split = DemonstrationSplit.Of(Demos, 0.25);
        Assert.Equal(best.Value, DemonstrationSplit.Loss(policy, Demos, split.Validation), 5);
    }

    [Fact]
    public void EarlyStoppingWaitsForTheMinimumEpochs()
    {
        // Patience 1 would stop at the first epoch without a better validation loss; the minimum holds it to 5.
        var report = BehaviourCloning.Train(NewPolicy(), Demos,
            new TrainOptions { Epochs = 7, ValidationFraction = 0.25, Patience = 1, MinEpochs = 5 });
        Assert.InRange(report.EpochsRun, 5, 7);
        Assert.Equal(report.Validation!.MinBy(v => v.Value).Epoch, report.ChosenEpoch);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainOptions { MinEpochs = -1 }.Validate());
    }

    [Fact]
    public void FineTuningNeverHandsBackLessThanItsStartOnValidation()
    {
        var teacher = NewPolicy();
        BehaviourCloning.Train(teacher, Demos, new TrainOptions { Epochs = 2 });
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, QuantConfig.WeightOnly(3));
        var start = student.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>());
        // A measure that prefers the starting weights: the start must be what comes back.
        int calls = 0;
        var report = QuantAwareImitation.FineTune(student, teacher, Demos, new QailOptions { Epochs = 3 }, null,
            _ => calls++ == 0 ? 1 : 0, checkEvery: 1);
        Assert.Equal(0, report.ChosenEpoch);
        Assert.Equal(4, report.Validation!.Count);
        foreach (var (name, value) in student.StateDict()) Assert.Equal(start[name], value.ToArray<float>());

        // A measure that rises with every check keeps the last epoch.
        int rising = 0;
        var later = QuantAwareImitation.FineTune(student, teacher, Demos, new QailOptions { Epochs = 3 }, null,
            _ => rising++, checkEvery: 2);
        Assert.Equal(3, later.ChosenEpoch);
        Assert.Equal([0, 2, 3], later.Validation!.Select(v => v.Epoch));
    }

    [Fact]
    public void AnExactTieOnValidationGoesToTheLowerHeldOutActionError()
    {
        var teacher = NewPolicy();
        BehaviourCloning.Train(teacher, Demos, new TrainOptions { Epochs = 2 });
        var student = (PolicyNetwork)Quantizer.Prepare(teacher, QuantConfig.WeightOnly(3));
        var options = new QailOptions { Epochs = 3, ValidationFraction = 0.25, LearningRate = 3e-3 };
        var heldOut = DemonstrationSplit.Of(Demos, options.ValidationFraction).Validation;
        var errors = new List<double>();
        // Every check ties on the (sparse) validation return; the held-out error of each check is recorded by the
        // measure itself, before the tie-break measures the same weights.
        var report = QuantAwareImitation.FineTune(student, teacher, Demos, options, null,
            p => { errors.Add(HeldOutActionError.Of(p, Demos, heldOut)); return 1.0; }, checkEvery: 1);
        Assert.Equal(4, errors.Count);
        int best = errors.IndexOf(errors.Min());
        Assert.Equal(best, report.ChosenEpoch);
        Assert.Equal(best != 0, report.TieDecided);
        Assert.Equal(errors.Min(), HeldOutActionError.Of(student, Demos, heldOut));
    }
}

using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// The one training loop behind behaviour cloning and all quantization-aware methods:
/// L = imitation(student, expert) + lambda * mean(w_s * D(student, teacher)) over expert states,
/// plus lambda * mean(D) over extra alignment-only states (the on-policy variant). AdamW, warm-up + cosine, clipping.
/// Only the steps in <c>trainSteps</c> (all when null) are trained on; <c>afterEpoch</c> hears each finished epoch
/// (1-based) and returns true to stop early (validation-based stopping and checkpoint choice live there).
/// </summary>
internal static class ImitationLoop
{
    public static TrainReport Run(PolicyNetwork student, Demonstrations demos, TrainOptions options, double lambda,
        AlignmentSet? expertAlignment, AlignmentSet? extraAlignment, IProgress<(int Epoch, double Loss)>? progress,
        int[]? trainSteps = null, Func<int, bool>? afterEpoch = null)
    {
        options.Validate();
        var steps = trainSteps ?? Enumerable.Range(0, demos.Steps).ToArray();
        int n = steps.Length;
        if (n == 0) throw new ArgumentException("Training needs at least one demonstration step.", nameof(demos));
        int batchesPerEpoch = (n + options.BatchSize - 1) / options.BatchSize;
        int extraBatches = extraAlignment is null
            ? 0 : (extraAlignment.Count + options.BatchSize - 1) / options.BatchSize;
        long totalSteps = (long)options.Epochs * (batchesPerEpoch + extraBatches);
        var optimizer = NewOptimizer(student, options);
        var schedule = new WarmupCosineSchedule(totalSteps / 20, totalSteps, minFactor: 0.05);
        var trainable = student.Parameters().Where(p => p.RequiresGrad).ToList();
        var (losses, imitations, alignments) = (new List<double>(), new List<double>(), new List<double>());
        long step = 0;
        // Each batch's tensors come from one pool and go back when the batch ends: a steady-state step allocates
        // almost nothing (no large-object heap, no gen-2 collections).
        var arena = new TensorArena();
        student.Train();
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = Permutation(n, new SeededRandom(Init.DeriveSeed(options.Seed, epoch)));
            for (int i = 0; i < n; i++) order[i] = steps[order[i]];
            double sumLoss = 0, sumImitation = 0, sumAlignment = 0;
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                var indices = order.AsSpan(b * options.BatchSize, Math.Min(options.BatchSize,
                    n - b * options.BatchSize)).ToArray();
                using var batchScope = arena.Step();
                var batch = PolicyBatch.FromDemonstrations(demos, indices);
                var outputs = student.Predict(batch);
                var imitation = student.ImitationLoss(outputs, batch);
                var loss = imitation;
                if (lambda > 0 && expertAlignment is not null)
                {
                    var (teacher, weights) = expertAlignment.Rows(indices);
                    var alignment = (student.Alignment(outputs, teacher) * Variable.Constant(weights)).Mean();
                    loss = loss + alignment * lambda;
                    sumAlignment += alignment.Item();
                }
                Optimise(loss, trainable, optimizer, schedule, options.ClipNorm, step++);
                sumLoss += loss.Item();
                sumImitation += imitation.Item();
            }
            if (extraAlignment is not null)
            {
                var extraOrder = Permutation(extraAlignment.Count,
                    new SeededRandom(Init.DeriveSeed(options.Seed, 1_000_000 + epoch)));
                for (int b = 0; b < extraBatches; b++)
                {
                    var indices = extraOrder.AsSpan(b * options.BatchSize, Math.Min(options.BatchSize,
                        extraAlignment.Count - b * options.BatchSize)).ToArray();
                    using var batchScope = arena.Step();
                    var (teacher, weights) = extraAlignment.Rows(indices);
                    var outputs = student.Predict(extraAlignment.Batch(indices));
                    var alignment = (student.Alignment(outputs, teacher) * Variable.Constant(weights)).Mean() * lambda;
                    Optimise(alignment, trainable, optimizer, schedule, options.ClipNorm, step++);
                }
            }
            losses.Add(sumLoss / batchesPerEpoch);
            imitations.Add(sumImitation / batchesPerEpoch);
            alignments.Add(sumAlignment / batchesPerEpoch);
            progress?.Report((epoch + 1, losses[^1]));
            if (afterEpoch is not null)
            {
                bool stop = afterEpoch(epoch + 1);
                student.Train();
                if (stop) break;
            }
        }
        student.Eval();
        return new TrainReport(losses, imitations, alignments);
    }

    // Quantizer step sizes (LSQ) get no weight decay: shrinking them is not a regularisation. Adam moves every value by
    // about the learning rate per step whatever its gradient's scale (LSQ's gradient scale only calibrates SGD), so a
    // weight step of 0.001 would cross zero within a few steps: each quantizer's step sizes get their own group, at the
    // learning rate times its smallest step, which bounds the change to about that rate, relative, per step.
    private static AdamW NewOptimizer(PolicyNetwork student, TrainOptions options)
    {
        var trainable = student.NamedParameters().Where(p => p.Value.RequiresGrad).ToList();
        var groups = new List<ParameterGroup> { new(trainable.Where(p => !IsStepSize(p.Key)).Select(p => p.Value),
            options.LearningRate, options.WeightDecay, "weights") };
        foreach (var (name, steps) in trainable.Where(p => IsStepSize(p.Key)))
        {
            double smallest = steps.Value.Cast(DType.Float64).Contiguous().ToArray<double>().Min();
            if (!(smallest > 0))
                throw new ArgumentException(
                    $"Training: quantizer step sizes '{name}' must be positive before fine-tuning, got {smallest}.",
                    nameof(student));
            groups.Add(new ParameterGroup([steps], options.LearningRate * smallest, 0, name));
        }
        return new AdamW(groups);
    }

    private static bool IsStepSize(string name) => name.EndsWith("_transform.scale", StringComparison.Ordinal);

    private static void Optimise(Variable loss, List<Variable> trainable, Optimizer optimizer,
        LearningRateSchedule schedule, double clipNorm, long step)
    {
        if (!double.IsFinite(loss.Item()))
            throw new InvalidOperationException(
                $"Training diverged: loss is {loss.Item()} at step {step}; lower the learning rate.");
        optimizer.ZeroGrad();
        loss.Backward();
        GradientClipping.ClipByGlobalNorm(trainable, clipNorm);
        schedule.Apply(optimizer, step);
        optimizer.Step();
    }

    private static int[] Permutation(int n, SeededRandom random)
    {
        var order = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}

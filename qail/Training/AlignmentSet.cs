using Qail.Autograd;
using Qail.Engine;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// States to align on, with the frozen teacher's outputs on them computed once, and per-state weights.
/// </summary>
internal sealed class AlignmentSet
{
    private const int Chunk = 1024;

    private AlignmentSet(Func<int[], PolicyBatch> batch, Tensor teacherOutputs, float[] weights)
    {
        Batch = batch;
        TeacherOutputs = teacherOutputs;
        Weights = weights;
    }

    /// <summary>Builds the batch of the given state indices.</summary>
    public Func<int[], PolicyBatch> Batch { get; }

    /// <summary>Teacher outputs for every state, stacked along dimension 0.</summary>
    public Tensor TeacherOutputs { get; }

    /// <summary>Alignment weight per state (1, or beta for salient states).</summary>
    public float[] Weights { get; }

    /// <summary>Number of states.</summary>
    public int Count => Weights.Length;

    public static AlignmentSet Build(PolicyNetwork teacher, int count, Func<int[], PolicyBatch> batch, float[]? weights)
    {
        if (weights is not null && weights.Length != count)
            throw new ArgumentException($"Alignment weights: {weights.Length} given for {count} states.",
                nameof(weights));
        teacher.Eval();
        var chunks = new List<Tensor>();
        using (GradMode.NoGrad())
            for (int start = 0; start < count; start += Chunk)
                chunks.Add(teacher.Predict(batch(Enumerable.Range(start, Math.Min(Chunk, count - start)).ToArray()))
                    .Value);
        var outputs = chunks.Count == 1 ? chunks[0] : Tensor.Concat(chunks, 0);
        return new AlignmentSet(batch, outputs, weights ?? Enumerable.Repeat(1f, count).ToArray());
    }

    /// <summary>Teacher outputs and weights of the given states.</summary>
    public (Tensor Teacher, Tensor Weights) Rows(int[] indices)
    {
        var index = Tensor.From<int>(indices, [indices.Length]);
        var w = new float[indices.Length];
        for (int i = 0; i < indices.Length; i++) w[i] = Weights[indices[i]];
        return (TeacherOutputs.IndexSelect(0, index), Tensor.From<float>(w, [w.Length]));
    }
}

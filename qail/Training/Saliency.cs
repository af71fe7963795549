using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Policies;

namespace Qail.Training;

/// <summary>
/// SQIL's saliency: how much the full-precision policy's output moves when part of the input is masked.
/// Images: each patch in turn is replaced by the image mean; state vectors: each dimension in turn is replaced by
/// its demonstration mean. The score of a state is the mean squared output change over all masks.
/// </summary>
public static class Saliency
{
    /// <summary>One score per demonstration step: the mean over masks of <see cref="PerMask"/>.</summary>
    public static float[] Scores(PolicyNetwork teacher, Demonstrations demos, int patchSize = 8, int? workers = null)
    {
        var changes = PerMask(teacher, demos, patchSize, workers);
        var scores = new float[demos.Steps];
        for (int i = 0; i < scores.Length; i++)
        {
            double total = 0;
            foreach (var change in changes) total += change[i];
            scores[i] = (float)(total / Math.Max(1, changes.Length));
        }
        return scores;
    }

    /// <summary>
    /// The output change of every mask (image patches row-major over the patch grid, or state dimensions) at every
    /// demonstration step: [masks][steps]. The masks of a chunk of steps run in parallel, each worker on its own copy
    /// of the teacher (as closed-loop evaluation does), so the result does not depend on <paramref name="workers"/>.
    /// </summary>
    public static double[][] PerMask(PolicyNetwork teacher, Demonstrations demos, int patchSize = 8, int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(demos);
        if (patchSize < 1) throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "Patch size must be positive.");
        teacher.Eval();
        const int chunk = 512;
        var stateMean = demos.States is null ? null : ColumnMeans(demos.States, demos.StateSize);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount };
        double[][]? changes = null;
        for (int start = 0; start < demos.Steps; start += chunk)
        {
            var indices = Enumerable.Range(start, Math.Min(chunk, demos.Steps - start)).ToArray();
            var batch = PolicyBatch.FromDemonstrations(demos, indices);
            Tensor reference;
            using (GradMode.NoGrad()) reference = teacher.Predict(batch).Value;
            IMasks masks = batch.Images is not null ? new ImageMasks(batch, patchSize) : new StateMasks(batch, stateMean!);
            changes ??= Enumerable.Range(0, masks.Count).Select(_ => new double[demos.Steps]).ToArray();
            Parallel.For(0, masks.Count, parallel, () => (PolicyNetwork)teacher.DeepCopy(), (m, _, copy) =>
            {
                using var noGrad = GradMode.NoGrad();
                copy.Eval();
                var change = Tensor.Sub(copy.Predict(masks.Masked(m)).Value, reference).Square().Reshape(indices.Length, -1).Mean([1]).ToDoubleArray();
                change.CopyTo(changes[m], start);
                return copy;
            }, _ => { });
        }
        return changes ?? [];
    }

    /// <summary>Alignment weights: <paramref name="beta"/> for the top <paramref name="topFraction"/> of scores, 1 for the rest.</summary>
    public static float[] Weights(ReadOnlySpan<float> scores, double topFraction = 0.2, double beta = 2.0)
    {
        if (scores.IsEmpty) return [];
        var sorted = scores.ToArray();
        Array.Sort(sorted);
        int top = (int)Math.Ceiling(topFraction * sorted.Length);
        float threshold = sorted[Math.Max(0, sorted.Length - top)];
        var weights = new float[scores.Length];
        for (int i = 0; i < scores.Length; i++) weights[i] = scores[i] >= threshold ? (float)beta : 1f;
        return weights;
    }

    // The batch with mask m applied, for m in [0, Count): built on demand, since all of a chunk's masked images at
    // once would take 64 copies of it.
    private interface IMasks
    {
        int Count { get; }

        PolicyBatch Masked(int m);
    }

    // Mask j replaces state dimension j by its demonstration mean.
    private sealed class StateMasks(PolicyBatch batch, float[] mean) : IMasks
    {
        private readonly float[] _states = batch.States!.ToArray<float>();

        public int Count => mean.Length;

        public PolicyBatch Masked(int m)
        {
            int width = mean.Length, rows = _states.Length / width;
            var masked = (float[])_states.Clone();
            for (int r = 0; r < rows; r++) masked[r * width + m] = mean[m];
            return batch with { States = Tensor.From<float>(masked, [rows, width]) };
        }
    }

    // Mask m replaces patch m (row-major over the patch grid) of every channel by that channel's mean over the image.
    private sealed class ImageMasks : IMasks
    {
        private readonly PolicyBatch _batch;
        private readonly int _patch;
        private readonly int[] _shape; // [B, C, H, W]
        private readonly float[] _pixels;
        private readonly float[] _channelMeans;
        private readonly int _columns;

        public ImageMasks(PolicyBatch batch, int patch)
        {
            (_batch, _patch) = (batch, patch);
            _shape = batch.Images!.ShapeToArray();
            _pixels = batch.Images.ToArray<float>();
            int plane = _shape[2] * _shape[3];
            _channelMeans = new float[_shape[0] * _shape[1]];
            for (int i = 0; i < _channelMeans.Length; i++) _channelMeans[i] = _pixels.AsSpan(i * plane, plane).ToArray().Average();
            _columns = (_shape[3] + patch - 1) / patch;
            Count = (_shape[2] + patch - 1) / patch * _columns;
        }

        public int Count { get; }

        public PolicyBatch Masked(int m)
        {
            int py = m / _columns * _patch, px = m % _columns * _patch;
            int plane = _shape[2] * _shape[3];
            var masked = (float[])_pixels.Clone();
            for (int i = 0; i < _channelMeans.Length; i++)
            {
                var channel = masked.AsSpan(i * plane, plane);
                for (int y = py; y < Math.Min(py + _patch, _shape[2]); y++)
                    channel.Slice(y * _shape[3] + px, Math.Min(_patch, _shape[3] - px)).Fill(_channelMeans[i]);
            }
            return _batch with { Images = Tensor.From<float>(masked, _shape) };
        }
    }

    private static float[] ColumnMeans(float[] values, int width)
    {
        var mean = new double[width];
        int rows = values.Length / width;
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < width; j++) mean[j] += values[r * width + j];
        return mean.Select(m => (float)(m / Math.Max(1, rows))).ToArray();
    }
}

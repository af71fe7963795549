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
    /// <summary>One score per demonstration step.</summary>
    public static float[] Scores(PolicyNetwork teacher, Demonstrations demos, int patchSize = 8)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(demos);
        if (patchSize < 1) throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "Patch size must be positive.");
        teacher.Eval();
        var scores = new float[demos.Steps];
        const int chunk = 512;
        using var noGrad = GradMode.NoGrad();
        var stateMean = demos.States is null ? null : ColumnMeans(demos.States, demos.StateSize);
        for (int start = 0; start < demos.Steps; start += chunk)
        {
            var indices = Enumerable.Range(start, Math.Min(chunk, demos.Steps - start)).ToArray();
            var batch = PolicyBatch.FromDemonstrations(demos, indices);
            var reference = teacher.Predict(batch).Value;
            var masks = batch.Images is not null ? ImageMasks(batch, patchSize) : StateMasks(batch, stateMean!);
            var total = new double[indices.Length];
            int count = 0;
            foreach (var masked in masks)
            {
                var change = Tensor.Sub(teacher.Predict(masked).Value, reference).Square().Reshape(indices.Length, -1).Mean([1]).ToDoubleArray();
                for (int i = 0; i < total.Length; i++) total[i] += change[i];
                count++;
            }
            for (int i = 0; i < indices.Length; i++) scores[start + i] = (float)(total[i] / Math.Max(1, count));
        }
        return scores;
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

    private static IEnumerable<PolicyBatch> StateMasks(PolicyBatch batch, float[] mean)
    {
        var states = batch.States!.ToArray<float>();
        int width = mean.Length, rows = states.Length / width;
        for (int j = 0; j < width; j++)
        {
            var masked = (float[])states.Clone();
            for (int r = 0; r < rows; r++) masked[r * width + j] = mean[j];
            yield return batch with { States = Tensor.From<float>(masked, [rows, width]) };
        }
    }

    private static IEnumerable<PolicyBatch> ImageMasks(PolicyBatch batch, int patch)
    {
        var images = batch.Images!;
        var shape = images.ShapeToArray(); // [B, C, H, W]
        var pixels = images.ToArray<float>();
        int plane = shape[2] * shape[3], frame = shape[1] * plane;
        for (int py = 0; py < shape[2]; py += patch)
            for (int px = 0; px < shape[3]; px += patch)
            {
                var masked = (float[])pixels.Clone();
                for (int b = 0; b < shape[0]; b++)
                    for (int c = 0; c < shape[1]; c++)
                    {
                        var channel = masked.AsSpan(b * frame + c * plane, plane);
                        float mean = pixels.AsSpan(b * frame + c * plane, plane).ToArray().Average();
                        for (int y = py; y < Math.Min(py + patch, shape[2]); y++)
                            channel.Slice(y * shape[3] + px, Math.Min(patch, shape[3] - px)).Fill(mean);
                    }
                yield return batch with { Images = Tensor.From<float>(masked, shape) };
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

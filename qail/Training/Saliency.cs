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
    /// demonstration step: [masks][steps]. A chunk of steps goes through the teacher once, without autograd, as one
    /// batch holding the unmasked steps and every masked copy of them; chunks run in parallel, each worker on its own
    /// copy of the teacher, so the result does not depend on <paramref name="workers"/>.
    /// </summary>
    public static double[][] PerMask(PolicyNetwork teacher, Demonstrations demos, int patchSize = 8,
        int? workers = null)
    {
        ArgumentNullException.ThrowIfNull(teacher);
        ArgumentNullException.ThrowIfNull(demos);
        if (patchSize < 1)
            throw new ArgumentOutOfRangeException(nameof(patchSize), patchSize, "Patch size must be positive.");
        teacher.Eval();
        var stateMean = demos.States is null ? null : ColumnMeans(demos.States, demos.StateSize);
        var first = demos.Steps == 0 ? null : PolicyBatch.FromDemonstrations(demos, [0]);
        int maskCount = first is null ? 0 : Masks(first, patchSize, stateMean).Count;
        var changes = Enumerable.Range(0, maskCount).Select(_ => new double[demos.Steps]).ToArray();
        // Each forward pass takes the chunk's steps once unmasked, then once per mask: at most RowsPerForward rows
        // and about InputsPerForward input values, so its activations stay cache-sized (at least one step).
        long perRow = first is null ? 1 : (first.Images?.ElementCount ?? 0) + (first.States?.ElementCount ?? 0);
        long rows = Math.Min(RowsPerForward, InputsPerForward / Math.Max(1, perRow));
        int chunk = (int)Math.Max(1, rows / (maskCount + 1));
        int chunks = (demos.Steps + chunk - 1) / chunk;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount };
        Parallel.For(0, chunks, parallel, () => (PolicyNetwork)teacher.DeepCopy(), (c, _, copy) =>
        {
            int start = c * chunk, steps = Math.Min(chunk, demos.Steps - start);
            var batch = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(start, steps).ToArray());
            var stacked = Masks(batch, patchSize, stateMean).Stacked();
            float[] outputs;
            using (GradMode.NoGrad())
            {
                copy.Eval();
                outputs = copy.Predict(stacked).Value.ToArray<float>();
            }
            int width = outputs.Length / (steps * (maskCount + 1));
            for (int m = 0; m < maskCount; m++)
            {
                for (int i = 0; i < steps; i++)
                {
                    var reference = outputs.AsSpan(i * width, width);
                    var masked = outputs.AsSpan(((m + 1) * steps + i) * width, width);
                    double sum = 0;
                    for (int a = 0; a < width; a++) sum += Math.Pow((double)masked[a] - reference[a], 2);
                    changes[m][start + i] = sum / width;
                }
            }
            return copy;
        }, _ => { });
        return changes;
    }

    /// <summary>
    /// Alignment weights: <paramref name="beta"/> for the top <paramref name="topFraction"/> of scores, 1 for the rest.
    /// </summary>
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

    private const int RowsPerForward = 512;
    private const long InputsPerForward = 1 << 18;

    private static IMasks Masks(PolicyBatch batch, int patchSize, float[]? stateMean) =>
        batch.Images is not null ? new ImageMasks(batch, patchSize) : new StateMasks(batch, stateMean!);

    // The masks over one chunk of steps.
    private interface IMasks
    {
        int Count { get; }

        // The chunk's B steps unmasked (rows 0..B-1), then with mask m applied (rows (m + 1) B ..), as one batch.
        PolicyBatch Stacked();
    }

    // The parts no mask touches (states beside images, instructions, commands), repeated for every copy; no labels.
    private static PolicyBatch Repeated(PolicyBatch batch, int copies) => batch with
    {
        States = Repeat(batch.States, copies),
        Instructions = Repeat(batch.Instructions, copies),
        Commands = Repeat(batch.Commands, copies),
        Actions = null,
    };

    private static Tensor? Repeat(Tensor? rows, int copies) =>
        rows is null ? null : Tensor.Concat(Enumerable.Repeat(rows, copies).ToArray(), 0);

    // Mask j replaces state dimension j by its demonstration mean.
    private sealed class StateMasks(PolicyBatch batch, float[] mean) : IMasks
    {
        public int Count => mean.Length;

        public PolicyBatch Stacked()
        {
            var states = batch.States!.ToArray<float>();
            int width = mean.Length, rows = states.Length / width;
            var stacked = new float[states.Length * (Count + 1)];
            for (int c = 0; c <= Count; c++)
            {
                var copy = stacked.AsSpan(c * states.Length, states.Length);
                states.CopyTo(copy);
                if (c == 0) continue;
                for (int r = 0; r < rows; r++) copy[r * width + c - 1] = mean[c - 1];
            }
            var shape = new[] { rows * (Count + 1), width };
            return Repeated(batch, Count + 1) with { States = Tensor.From<float>(stacked, shape) };
        }
    }

    // Mask m replaces patch m (row-major over the patch grid) of every channel by that channel's mean over the image.
    private sealed class ImageMasks : IMasks
    {
        private readonly PolicyBatch _batch;
        private readonly int _patch;
        private readonly int[] _shape; // [B, C, H, W]
        private readonly int _columns;

        public ImageMasks(PolicyBatch batch, int patch)
        {
            (_batch, _patch) = (batch, patch);
            _shape = batch.Images!.ShapeToArray();
            _columns = (_shape[3] + patch - 1) / patch;
            Count = (_shape[2] + patch - 1) / patch * _columns;
        }

        public int Count { get; }

        public PolicyBatch Stacked()
        {
            var pixels = _batch.Images!.ToArray<float>();
            int plane = _shape[2] * _shape[3];
            var channelMeans = new float[_shape[0] * _shape[1]];
            for (int i = 0; i < channelMeans.Length; i++)
                channelMeans[i] = pixels.AsSpan(i * plane, plane).ToArray().Average();
            var stacked = new float[pixels.Length * (Count + 1)];
            for (int c = 0; c <= Count; c++)
            {
                var copy = stacked.AsSpan(c * pixels.Length, pixels.Length);
                pixels.CopyTo(copy);
                if (c > 0) Fill(copy, c - 1, channelMeans);
            }
            var shape = (int[])_shape.Clone();
            shape[0] *= Count + 1;
            return Repeated(_batch, Count + 1) with { Images = Tensor.From<float>(stacked, shape) };
        }

        private void Fill(Span<float> pixels, int m, float[] channelMeans)
        {
            int py = m / _columns * _patch, px = m % _columns * _patch;
            int plane = _shape[2] * _shape[3];
            for (int i = 0; i < channelMeans.Length; i++)
            {
                var channel = pixels.Slice(i * plane, plane);
                for (int y = py; y < Math.Min(py + _patch, _shape[2]); y++)
                    channel.Slice(y * _shape[3] + px, Math.Min(_patch, _shape[3] - px)).Fill(channelMeans[i]);
            }
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

using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// The full-precision inputs of every Linear layer of a prepared (fake-quantized) network on calibration batches,
/// as [rows, in-features] float64 matrices (leading axes flattened), capped at a number of rows: what the layer-wise
/// output-error criteria (clip choice, GPTQ's Hessian) need. Fake quantization is off while recording.
/// </summary>
public static class LinearLayerInputs
{
    /// <summary>
    /// Runs <paramref name="prepared"/> on <paramref name="batches"/>; keys are the layers' module paths.
    /// </summary>
    public static IReadOnlyDictionary<string, double[,]> Capture(PolicyNetwork prepared,
        IEnumerable<PolicyBatch> batches, int maxRows = 2048)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        var layers = Quantizer.Layers(prepared).Where(l => l.Layer is Linear).ToList();
        var quantizers = layers.SelectMany(l => new[] { l.Weight, l.Input }).OfType<FakeQuantize>().ToList();
        var rows = layers.ToDictionary(l => l.Path, _ => new List<double[]>());
        var original = layers.ToDictionary(l => l.Path, l => l.Layer.InputTransform);
        bool wasTraining = prepared.IsTraining;
        prepared.Eval();
        foreach (var q in quantizers) q.FakeQuantEnabled = false;
        try
        {
            foreach (var layer in layers)
            {
                var kept = rows[layer.Path];
                var inner = original[layer.Path];
                int k = ((Linear)layer.Layer).InFeatures;
                // Recorded after the layer's own input transform (a rotation), with fake quantization off: what the
                // weight multiplies.
                layer.Layer.InputTransform = new FunctionTransform(x =>
                {
                    var y = inner is null ? x : inner.Forward(x);
                    var values = y.Value.Cast(DType.Float64).Contiguous().ToArray<double>();
                    for (int r = 0; r < values.Length / k && kept.Count < maxRows; r++)
                        kept.Add(values.AsSpan(r * k, k).ToArray());
                    return y;
                });
            }
            using (GradMode.NoGrad())
                foreach (var batch in batches) prepared.Predict(batch);
        }
        finally
        {
            foreach (var layer in layers) layer.Layer.InputTransform = original[layer.Path];
            foreach (var q in quantizers) q.FakeQuantEnabled = true;
            prepared.Train(wasTraining);
        }
        return rows.Where(r => r.Value.Count > 0).ToDictionary(r => r.Key, r =>
        {
            int k = r.Value[0].Length;
            var matrix = new double[r.Value.Count, k];
            for (int i = 0; i < r.Value.Count; i++)
                for (int j = 0; j < k; j++) matrix[i, j] = r.Value[i][j];
            return matrix;
        });
    }

    /// <summary>
    /// ||X (W - Q)^T||_F^2 / rows: the mean squared output error a weight change causes on the inputs.
    /// </summary>
    public static double OutputError(double[,] inputs, float[] weight, float[] quantized, int outFeatures)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int n = inputs.GetLength(0), k = inputs.GetLength(1);
        if (weight.Length != outFeatures * k || quantized.Length != weight.Length)
            throw new ArgumentException(
                $"OutputError: weights of {weight.Length} and {quantized.Length} values for [{outFeatures}, {k}].");
        var delta = new double[weight.Length];
        for (int i = 0; i < delta.Length; i++) delta[i] = weight[i] - (double)quantized[i];
        double total = 0;
        for (int r = 0; r < n; r++)
            for (int o = 0; o < outFeatures; o++)
            {
                double y = 0;
                for (int j = 0; j < k; j++) y += inputs[r, j] * delta[o * k + j];
                total += y * y;
            }
        return total / n;
    }
}

using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>One layer's weight clipping as chosen by <see cref="ClipChoice"/>, with each candidate's error.</summary>
/// <param name="Path">The layer's module path.</param>
/// <param name="Chosen">The calibration whose quantized weight gave the smallest error.</param>
/// <param name="Errors">Error of every candidate: mean squared layer output on calibration inputs (Linear) or
/// mean squared weight error (other layers).</param>
public sealed record LayerClip(string Path, CalibrationMethod Chosen,
    IReadOnlyDictionary<CalibrationMethod, double> Errors);

/// <summary>
/// The strong round-to-nearest PTQ baseline: per layer, the best of min-max, percentile and MSE clipping of the weight
/// scales, judged by the layer's output error on calibration inputs (weight error for layers other than Linear).
/// Min-max alone lets a 2-bit grid put most weights on zero; this is the baseline the fine-tuned methods must beat.
/// </summary>
public static class ClipChoice
{
    /// <summary>The candidates, in the order ties are broken.</summary>
    public static IReadOnlyList<CalibrationMethod> Candidates { get; } = [CalibrationMethod.MinMax,
        CalibrationMethod.Percentile, CalibrationMethod.Mse];

    /// <summary>
    /// Sets every weight quantizer of <paramref name="prepared"/> to its best clipping; returns the choices.
    /// </summary>
    public static IReadOnlyList<LayerClip> Apply(PolicyNetwork prepared, IReadOnlyList<PolicyBatch> calibration)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(calibration);
        var inputs = LinearLayerInputs.Capture(prepared, calibration);
        var choices = new List<LayerClip>();
        foreach (var layer in Quantizer.Layers(prepared))
        {
            if (layer.Weight is not FakeQuantize quantizer) continue;
            var weight = layer.Layer.Weight.Value;
            var original = weight.Cast(DType.Float32).Contiguous().ToArray<float>();
            var errors = new Dictionary<CalibrationMethod, double>();
            foreach (var method in Candidates)
            {
                quantizer.CalibrateWeight(weight, method);
                var q = Dequantized(quantizer, weight);
                errors[method] = inputs.TryGetValue(layer.Path, out var x)
                    ? LinearLayerInputs.OutputError(x, original, q, weight.Size(0))
                    : original.Zip(q, (a, b) => (a - (double)b) * (a - b)).Average();
            }
            var best = Candidates.MinBy(m => errors[m]);
            quantizer.CalibrateWeight(weight, best);
            choices.Add(new LayerClip(layer.Path, best, errors));
        }
        return choices;
    }

    /// <summary>The weight as <paramref name="quantizer"/> rounds it (evaluation mode, no gradients).</summary>
    public static float[] Dequantized(FakeQuantize quantizer, Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(quantizer);
        ArgumentNullException.ThrowIfNull(weight);
        bool wasTraining = quantizer.IsTraining;
        quantizer.Eval();
        try
        {
            using var noGrad = GradMode.NoGrad();
            return quantizer.Forward(Variable.Constant(weight)).Value.Cast(DType.Float32).Contiguous().ToArray<float>();
        }
        finally
        {
            quantizer.Train(wasTraining);
        }
    }
}

using System.Text.RegularExpressions;
using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Quantization.Observers;

namespace Qail.Quantization;

/// <summary>
/// Inserts fake quantization into a copy of a model through the weight layers' transform slots, so no layer's
/// code changes; calibrates weight scales at once and activation scales on data.
/// </summary>
public static class Quantizer
{
    /// <summary>
    /// A deep copy of <paramref name="model"/> with fake quantizers in every selected weight layer, weight scales
    /// calibrated by <paramref name="weightCalibration"/>. A per-group config falls back to per-channel for a layer
    /// whose inputs per row are not a multiple of the group size (noted in <see cref="Layers"/>). The first weight
    /// layer's input quantizer takes <see cref="QuantConfig.FirstLayerActivations"/> when set.
    /// </summary>
    public static Module Prepare(Module model, QuantConfig config,
        CalibrationMethod weightCalibration = CalibrationMethod.MinMax, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var student = BatchNormFolding.Fold(model); // a deep copy; quantizers see the BN-folded weights, as deployed
        var layers = WeightLayers(student).ToList();
        if (layers.Count == 0)
            throw new ArgumentException($"Quantizer.Prepare: {model.GetType().Name} has no weight layers to quantize.",
                nameof(model));
        var skip = config.SkipPattern is null ? null : new Regex(config.SkipPattern, RegexOptions.None,
            TimeSpan.FromSeconds(1));
        for (int i = 0; i < layers.Count; i++)
        {
            var (path, layer) = layers[i];
            if ((config.SkipFirstLayer && i == 0) || (config.SkipLastLayer && i == layers.Count - 1)
                || (skip?.IsMatch(path) ?? false))
                continue;
            var weightShape = layer.Weight.Value.ShapeToArray();
            var weightSpec = FitToLayer(config.Weights, weightShape);
            var weightQuantizer = new FakeQuantize(weightSpec, QuantTarget.Weight, weightShape, config.LearnStepSizes,
                config.Rounding, Init.DeriveSeed(seed, 2 * i), layer.Weight.DType);
            weightQuantizer.CalibrateWeight(layer.Weight.Value, weightCalibration);
            layer.WeightTransform = weightQuantizer;
            var activationSpec = i == 0 ? config.FirstLayerActivations ?? config.Activations : config.Activations;
            if (activationSpec is TensorQuantSpec activations && layer is not Embedding)
            {
                var quantizer = new FakeQuantize(activations, QuantTarget.Activation, null, config.LearnStepSizes,
                    config.Rounding, Init.DeriveSeed(seed, 2 * i + 1), layer.Weight.DType);
                // A rotated input (QuaRot) is quantized after its rotation.
                if (layer.InputTransform is RotatedInput rotated) rotated.Quantizer = quantizer;
                else layer.InputTransform = quantizer;
            }
        }
        return student;
    }

    /// <summary>The weight layers of a prepared model with their quantizers, in forward order.</summary>
    public static IReadOnlyList<QuantizedLayer> Layers(Module prepared, QuantConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        return WeightLayers(prepared).Select(entry =>
        {
            var (path, layer) = entry;
            var weight = layer.WeightTransform as FakeQuantize;
            string note = weight is null ? "full precision"
                : config is not null && weight.Spec.Granularity != config.Weights.Granularity
                    ? $"{weight.Spec.Granularity} fallback" : "";
            var input = layer.InputTransform as FakeQuantize ?? (layer.InputTransform as RotatedInput)?.Quantizer;
            return new QuantizedLayer(path, layer, weight, input, note);
        }).ToList();
    }

    /// <summary>
    /// Sets every activation quantizer's scale from the model's inputs on <paramref name="batches"/> (fake
    /// quantization off while observing, so each layer sees full-precision inputs).
    /// </summary>
    public static void CalibrateActivations(Module prepared, IEnumerable<Tensor> batches,
        CalibrationMethod method = CalibrationMethod.MinMax)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        CalibrateActivations(prepared, batches, batch => prepared.Forward(Variable.Constant(batch)), method);
    }

    /// <summary>
    /// As above, for models fed by something other than one tensor (e.g. policy batches): <paramref name="forward"/>
    /// runs one batch.
    /// </summary>
    public static void CalibrateActivations<TBatch>(Module prepared, IEnumerable<TBatch> batches,
        Action<TBatch> forward, CalibrationMethod method = CalibrationMethod.MinMax)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(forward);
        var quantizers = Layers(prepared).SelectMany(l => new[] { l.Input, l.Weight }).OfType<FakeQuantize>().ToList();
        var inputs = quantizers.Where(q => q.Target == QuantTarget.Activation).ToList();
        if (inputs.Count == 0) return;
        bool wasTraining = prepared.IsTraining;
        prepared.Eval();
        foreach (var q in quantizers) q.FakeQuantEnabled = false;
        foreach (var q in inputs) q.Observer = NewObserver(method);
        try
        {
            int seen = 0;
            using (GradMode.NoGrad())
                foreach (var batch in batches)
                {
                    forward(batch);
                    seen++;
                }
            if (seen == 0)
                throw new ArgumentException("CalibrateActivations: no calibration batches were given.",
                    nameof(batches));
            foreach (var q in inputs) q.FreezeObserver();
        }
        finally
        {
            foreach (var q in quantizers) { q.FakeQuantEnabled = true; q.Observer = null; }
            prepared.Train(wasTraining);
        }
    }

    private static IRangeObserver NewObserver(CalibrationMethod method) => method switch
    {
        CalibrationMethod.MovingAverageMinMax => new MovingAverageMinMaxObserver(),
        CalibrationMethod.Percentile => new PercentileObserver(),
        CalibrationMethod.MinMax => new MinMaxObserver(),
        _ => throw new ArgumentException($"CalibrateActivations: {method} is a weight calibration; use MinMax, "
            + "MovingAverageMinMax or Percentile.", nameof(method)),
    };

    private static TensorQuantSpec FitToLayer(TensorQuantSpec spec, int[] weightShape)
    {
        if (spec.Granularity != QuantGranularity.PerGroup) return spec;
        long k = Shapes.ElementCount(weightShape) / weightShape[0];
        return k % spec.GroupSize == 0 ? spec : spec with { Granularity = QuantGranularity.PerChannel, GroupSize = 0 };
    }

    private static IEnumerable<(string Path, WeightedLayer Layer)> WeightLayers(Module model) =>
        model.NamedModules().Where(m => m.Value is WeightedLayer).Select(m => (m.Key, (WeightedLayer)m.Value));
}

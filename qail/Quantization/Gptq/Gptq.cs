using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// GPTQ post-training quantization of a policy network: every quantized Linear layer's weight is rounded by
/// <see cref="GptqSolver"/> against its full-precision calibration inputs, and the layer keeps the rounded weight with
/// the matching scales, so its fake quantizer reproduces GPTQ's codes exactly. Other layers keep MSE-clipped
/// round-to-nearest. Activation scales (when quantized) are calibrated afterwards, as for round-to-nearest.
/// </summary>
public static class Gptq
{
    /// <summary>The fake-quantized copy of <paramref name="network"/> (not modified) with GPTQ weights.</summary>
    public static PolicyNetwork Apply(PolicyNetwork network, QuantConfig config, IReadOnlyList<PolicyBatch> calibration,
        GptqOptions? options = null,
        long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new GptqOptions();
        options.Validate();
        if (calibration.Count == 0)
            throw new ArgumentException("Gptq.Apply: no calibration batches were given.", nameof(calibration));
        var student = (PolicyNetwork)Quantizer.Prepare(network, config, CalibrationMethod.Mse, seed);
        var inputs = LinearLayerInputs.Capture(student, calibration, options.MaxRows);
        foreach (var layer in Quantizer.Layers(student))
        {
            if (layer.Weight is not FakeQuantize quantizer || layer.Layer is not Linear linear
                || quantizer.Spec.Granularity == QuantGranularity.PerTensor
                || !inputs.TryGetValue(layer.Path, out var x))
                continue;
            var weight = linear.Weight.Value;
            var result = GptqSolver.Quantize(weight.Cast(DType.Float32).Contiguous().ToArray<float>(),
                linear.OutFeatures, linear.InFeatures,
                x, quantizer.Spec, options);
            Tensor.From(result.Weight, [linear.OutFeatures, linear.InFeatures]).Cast(weight.DType).CopyTo(weight);
            quantizer.SetScales(result.Scales, result.ZeroPoints);
        }
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, calibration, b => student.Predict(b));
        return student;
    }
}

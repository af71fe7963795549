using Qail.Engine;
using Qail.Nn;
using Qail.Quantization;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>
/// Turns one weight layer of a (possibly fake-quantized) model into a runtime op: weight-only 2..4-bit codes to the
/// int4 kernel, other weight-only codes to fp32 at load, weight + activation quantization to the int8 GEMM, no
/// quantizer to fp32. Codes are computed with the fake quantizer's own scales, zero points and rounding.
/// </summary>
internal static class LayerExport
{
    /// <summary>
    /// A linear layer applied to <paramref name="rows"/> input rows (1 for a state vector, T for T tokens).
    /// </summary>
    public static RuntimeOp Linear(string path, Linear layer, int rows = 1) =>
        Matrix(path, layer, layer.Weight.Value.Cast(DType.Float32).Contiguous().ToArray<float>(),
            layer.Bias?.Value.Cast(DType.Float32).Contiguous().ToArray<float>(), layer.OutFeatures,
            layer.InFeatures, rows);

    /// <summary>
    /// Any weight layer whose weight reads as a row-major [outputs, inputs] matrix (a linear layer; a convolution over
    /// im2col columns, its weight flattened per output channel), applied to <paramref name="rows"/> input rows.
    /// </summary>
    public static RuntimeOp Matrix(string path, WeightedLayer layer, float[] weight, float[]? bias, int outputs,
        int inputs, int rows)
    {
        var weightQuantizer = Quantizer(path, layer.WeightTransform, "weight");
        var inputQuantizer = Quantizer(path, layer.InputTransform, "input");
        if (weightQuantizer is null)
        {
            if (inputQuantizer is not null)
                throw new ArgumentException($"Export: layer '{path}' quantizes its input but not its weight; no "
                    + "integer kernel takes fp32 weights with integer inputs.", nameof(layer));
            return new FloatLinear(weight, bias, outputs, inputs, rows);
        }
        var codes = Codes(path, weightQuantizer, weight, outputs, inputs);
        if (inputQuantizer is null)
            return Int4Linear.Fits(codes)
                ? new Int4Linear(codes, bias, rows) : new DequantizedLinear(codes, bias, rows);
        var spec = inputQuantizer.Spec;
        var (scales, zeros) = ScalesAndZeros(path, inputQuantizer, spec);
        var activation = new ActivationQuantization(spec.Bits, spec.Symmetric, scales[0], zeros?[0] ?? 0,
            $"Export: layer '{path}' input");
        return new Int8Linear(codes, bias, activation, rows);
    }

    /// <summary>
    /// The layer's precision in the papers' notation ("W4g32", "W8A8"); "FP32" for a full-precision layer.
    /// </summary>
    public static string Precision(WeightedLayer layer)
    {
        if (layer.WeightTransform is not FakeQuantize weight) return "FP32";
        var spec = weight.Spec;
        string group = spec.Granularity == QuantGranularity.PerGroup ? $"g{spec.GroupSize}" : "";
        return layer.InputTransform is FakeQuantize input
            ? $"W{spec.Bits}{group}A{input.Spec.Bits}" : $"W{spec.Bits}{group}";
    }

    /// <summary>
    /// The layer's weight as integer codes with its quantizer's own scales (a table of <paramref name="rows"/> rows of
    /// <paramref name="columns"/> values); null when the layer's weight is not quantized.
    /// </summary>
    public static QuantizedWeights? WeightCodes(string path, WeightedLayer layer, float[] weight, int rows,
        int columns) =>
        Quantizer(path, layer.WeightTransform, "weight") is { } quantizer
            ? Codes(path, quantizer, weight, rows, columns) : null;

    private static FakeQuantize? Quantizer(string path, Module? transform, string slot) => transform switch
    {
        null => null,
        FakeQuantize { FakeQuantEnabled: false } =>
            throw new ArgumentException($"Export: layer '{path}' has its {slot} fake quantizer switched off; enable it "
                + "(or remove it) before export so the export matches the model."),
        FakeQuantize { Observer: not null } => throw new ArgumentException(
            $"Export: layer '{path}' {slot} quantizer is still observing; finish calibration first."),
        FakeQuantize q => q,
        _ => throw new ArgumentException(
            $"Export: layer '{path}' has a {slot} transform {transform.GetType().Name}, which has no integer form."),
    };

    private static QuantizedWeights Codes(string path, FakeQuantize quantizer, float[] weight, int rows, int columns)
    {
        var spec = quantizer.Spec;
        var (scales, zeros) = ScalesAndZeros(path, quantizer, spec);
        int groupSize = spec.Granularity == QuantGranularity.PerGroup ? spec.GroupSize : columns;
        // A per-tensor scale becomes the same scale on every row, which the kernels take per channel.
        if (spec.Granularity == QuantGranularity.PerTensor)
        {
            scales = Enumerable.Repeat(scales[0], rows).ToArray();
            zeros = zeros is null ? null : Enumerable.Repeat(zeros[0], rows).ToArray();
        }
        return QuantizedWeights.Quantize(weight, spec.Bits, spec.Symmetric, rows, columns, groupSize, scales, zeros,
            $"Export: layer '{path}' weight");
    }

    // Zero points are integers stored as floats; a symmetric quantizer must hold 0.
    private static (float[] Scales, int[]? Zeros) ScalesAndZeros(string path, FakeQuantize quantizer,
        TensorQuantSpec spec)
    {
        var scales = quantizer.Scale.Cast(DType.Float32).Contiguous().ToArray<float>();
        var zeroValues = quantizer.ZeroPoint.Cast(DType.Float32).Contiguous().ToArray<float>();
        var zeros = new int[zeroValues.Length];
        for (int i = 0; i < zeros.Length; i++)
        {
            float z = zeroValues[i];
            if (z != MathF.Round(z) || z < spec.QMin || z > spec.QMax || (spec.Symmetric && z != 0))
                throw new ArgumentException($"Export: layer '{path}' {quantizer.Target} zero point {i} = {z} is not an "
                    + $"integer code of {spec}.");
            zeros[i] = (int)z;
        }
        return (scales, spec.Symmetric ? null : zeros);
    }
}

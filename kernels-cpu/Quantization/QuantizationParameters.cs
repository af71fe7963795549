namespace Qail.Kernels.Cpu;

/// <summary>
/// Affine quantization parameters: q = clamp(round_half_to_even(x / Scale) + ZeroPoint, QMin, QMax),
/// x' = (q - ZeroPoint) * Scale. Symmetric parameters have ZeroPoint 0 and a range symmetric about it.
/// </summary>
public readonly record struct QuantizationParameters(float Scale, int ZeroPoint, int QMin, int QMax)
{
    /// <summary>
    /// Symmetric parameters covering [-absMax, absMax] with codes in [-qMax, qMax] (scale = absMax / qMax; 1 when
    /// absMax is 0).
    /// </summary>
    public static QuantizationParameters Symmetric(float absMax, int qMax)
    {
        if (!(absMax >= 0) || float.IsInfinity(absMax))
            throw new ArgumentOutOfRangeException(nameof(absMax), absMax, "Symmetric: absMax must be finite and >= 0.");
        if (qMax < 1) throw new ArgumentOutOfRangeException(nameof(qMax), qMax, "Symmetric: qMax must be >= 1.");
        var scale = absMax == 0 ? 1f : absMax / qMax;
        return new QuantizationParameters(scale, 0, -qMax, qMax);
    }

    /// <summary>
    /// Asymmetric parameters covering [min(min,0), max(max,0)] with codes in [qMin, qMax]; the range is widened
    /// to include 0 so that 0 is exactly representable (zero point = round_half_to_even(qMin - min/scale)).
    /// </summary>
    public static QuantizationParameters Asymmetric(float min, float max, int qMin, int qMax)
    {
        if (!float.IsFinite(min) || !float.IsFinite(max) || min > max)
            throw new ArgumentException($"Asymmetric: need finite min <= max, got min={min}, max={max}.", nameof(min));
        if (qMin >= qMax)
            throw new ArgumentException($"Asymmetric: need qMin < qMax, got {qMin}..{qMax}.", nameof(qMin));
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        var scale = max == min ? 1f : (max - min) / (qMax - qMin);
        var zero = (int)Math.Clamp(MathF.Round(qMin - min / scale, MidpointRounding.ToEven), qMin, qMax);
        return new QuantizationParameters(scale, zero, qMin, qMax);
    }

    /// <summary>Quantizes one value (round half to even, then clamp).</summary>
    public int Quantize(float x) => QuantizeLinear.One(x, Scale, ZeroPoint, QMin, QMax);

    /// <summary>Dequantizes one code.</summary>
    public float Dequantize(int q) => (q - ZeroPoint) * Scale;
}

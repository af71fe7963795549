namespace Qail.Quantization.Observers;

/// <summary>Checks shared by the observers.</summary>
internal static class ObservedValues
{
    public static (float Min, float Max) MinMax(ReadOnlySpan<float> values, string observer)
    {
        if (values.IsEmpty) throw new ArgumentException($"{observer}: no values to observe.", nameof(values));
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!float.IsFinite(v))
                throw new ArgumentException($"{observer}: value {v} at index {i} is not finite.", nameof(values));
            if (v < min) min = v;
            if (v > max) max = v;
        }
        return (min, max);
    }

    public static InvalidOperationException Empty(string observer) =>
        new($"{observer}: no values observed yet; run calibration first.");
}

namespace Qail.Quantization.Observers;

/// <summary>The running minimum and maximum of everything observed.</summary>
public sealed class MinMaxObserver : IRangeObserver
{
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;

    public void Observe(ReadOnlySpan<float> values)
    {
        var (min, max) = ObservedValues.MinMax(values, nameof(MinMaxObserver));
        _min = MathF.Min(_min, min);
        _max = MathF.Max(_max, max);
    }

    public bool HasRange => _min <= _max;

    public (float Min, float Max) Range => HasRange ? (_min, _max) : throw ObservedValues.Empty(nameof(MinMaxObserver));
}

namespace Qail.Quantization.Observers;

/// <summary>
/// Exponential moving average of per-batch minima and maxima (PyTorch's MovingAverageMinMaxObserver):
/// less swayed by one outlier batch than the running extremes.
/// </summary>
public sealed class MovingAverageMinMaxObserver(double momentum = 0.01) : IRangeObserver
{
    private readonly double _momentum = momentum is > 0 and <= 1
        ? momentum
        : throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must lie in (0, 1].");
    private double _min, _max;
    private bool _seen;

    public void Observe(ReadOnlySpan<float> values)
    {
        var (min, max) = ObservedValues.MinMax(values, nameof(MovingAverageMinMaxObserver));
        if (!_seen)
        {
            (_min, _max, _seen) = (min, max, true);
            return;
        }
        _min += _momentum * (min - _min);
        _max += _momentum * (max - _max);
    }

    public bool HasRange => _seen;

    public (float Min, float Max) Range =>
        _seen ? ((float)_min, (float)_max) : throw ObservedValues.Empty(nameof(MovingAverageMinMaxObserver));
}

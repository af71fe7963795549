using Qail.Engine;

namespace Qail.Quantization.Observers;

/// <summary>
/// Clips the range to the given lower/upper percentiles of the observed values, ignoring rare outliers.
/// Keeps a seeded reservoir sample of at most <c>capacity</c> values, so memory stays bounded on long calibrations.
/// </summary>
public sealed class PercentileObserver : IRangeObserver
{
    private readonly double _percentile;
    private readonly float[] _reservoir;
    private readonly SeededRandom _random;
    private long _seen;

    /// <summary>Keeps the central <paramref name="percentile"/>% (e.g. 99.9 clips 0.05% on each side).</summary>
    public PercentileObserver(double percentile = 99.99, int capacity = 1 << 16, long seed = 0)
    {
        if (percentile is <= 50 or > 100)
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "Percentile must lie in (50, 100].");
        if (capacity < 2)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be at least 2.");
        _percentile = percentile;
        _reservoir = new float[capacity];
        _random = new SeededRandom(seed);
    }

    public void Observe(ReadOnlySpan<float> values)
    {
        ObservedValues.MinMax(values, nameof(PercentileObserver));
        foreach (float v in values)
        {
            if (_seen < _reservoir.Length) _reservoir[_seen] = v;
            else
            {
                long j = (long)(_random.NextDouble() * (_seen + 1));
                if (j < _reservoir.Length) _reservoir[j] = v;
            }
            _seen++;
        }
    }

    public bool HasRange => _seen > 0;

    public (float Min, float Max) Range
    {
        get
        {
            if (_seen == 0) throw ObservedValues.Empty(nameof(PercentileObserver));
            var sorted = _reservoir.AsSpan(0, (int)Math.Min(_seen, _reservoir.Length)).ToArray();
            Array.Sort(sorted);
            double tail = (100 - _percentile) / 200;
            return (At(sorted, tail), At(sorted, 1 - tail));
        }
    }

    // Linear interpolation between the two nearest order statistics.
    private static float At(float[] sorted, double quantile)
    {
        double position = quantile * (sorted.Length - 1);
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return (float)(sorted[lo] + (position - lo) * (sorted[hi] - sorted[lo]));
    }
}

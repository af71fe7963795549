namespace Qail.Quantization.Observers;

/// <summary>Watches values (weights or calibration activations) and proposes the range to quantize.</summary>
public interface IRangeObserver
{
    /// <summary>Feeds one batch of values; NaN or infinite values throw (they have no place on a grid).</summary>
    void Observe(ReadOnlySpan<float> values);

    /// <summary>True once at least one value was observed.</summary>
    bool HasRange { get; }

    /// <summary>The proposed range [Min, Max]; throws before anything was observed.</summary>
    (float Min, float Max) Range { get; }
}

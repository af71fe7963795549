namespace Qail.Deployment;

/// <summary>Batch-1 Act latency over <paramref name="Iterations"/> timed calls.</summary>
/// <param name="MedianMicroseconds">Median latency per call.</param>
/// <param name="P90Microseconds">90th-percentile latency per call.</param>
/// <param name="Iterations">Number of timed calls.</param>
public sealed record LatencyMeasurement(double MedianMicroseconds, double P90Microseconds, int Iterations);

using System.Diagnostics;
using Qail.Envs;
using Qail.Policies;

namespace Qail.Deployment;

/// <summary>
/// Batch-1 latency of a policy: times single <see cref="IPolicy.Act"/> calls and reports the median and 90th
/// percentile.
/// </summary>
public static class LatencyProbe
{
    /// <summary>
    /// Shortest warm-up: the tiered JIT promotes hot methods to optimised code about 100 ms after the last method it
    /// compiled, ten times later when the process may use one CPU (the runtime's single-processor delay multiplier),
    /// so the warm-up spans three such delays; shorter, a one-CPU run (`taskset -c 0`) times unoptimised code.
    /// </summary>
    public static TimeSpan MinimumWarmup { get; } =
        TimeSpan.FromMilliseconds(Environment.ProcessorCount == 1 ? 3000 : 300);

    /// <summary>
    /// Runs untimed calls (at least <paramref name="warmup"/> of them and for at least <see cref="MinimumWarmup"/>),
    /// then times <paramref name="iterations"/> calls one by one.
    /// </summary>
    public static LatencyMeasurement Measure(IPolicy policy, Observation observation, int warmup = 200,
        int iterations = 2000)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        if (iterations < 1)
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations,
                "LatencyProbe.Measure: iterations must be at least 1.");
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(MinimumWarmup.TotalSeconds * Stopwatch.Frequency);
        for (int i = 0; i < warmup || Stopwatch.GetTimestamp() < warmupEnd; i++) policy.Act(observation);
        var ticks = new long[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            policy.Act(observation);
            ticks[i] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(ticks);
        double perMicrosecond = Stopwatch.Frequency / 1e6;
        return new LatencyMeasurement(ticks[(iterations - 1) / 2] / perMicrosecond,
            ticks[(int)Math.Ceiling(0.9 * iterations) - 1] / perMicrosecond, iterations);
    }
}

namespace Qail.Testing;

/// <summary>
/// A property failed: carries the shrunk counterexample, its description, the seed that replays the original case,
/// and the failure the shrunk case raised (as <see cref="Exception.InnerException"/>).
/// </summary>
public sealed class PropertyFailedException(string message, Exception failure, object? counterexample,
    string description,
    ulong replaySeed, int shrinkSteps) : Exception(message, failure)
{
    /// <summary>The smallest failing case found (a <see cref="TensorCase"/> for tensor generators).</summary>
    public object? Counterexample { get; } = counterexample;

    /// <summary>The generator's description of <see cref="Counterexample"/>.</summary>
    public string CounterexampleDescription { get; } = description;

    /// <summary>
    /// The case seed to pass as <see cref="CheckOptions.Replay"/> (or QAIL_TEST_REPLAY) to rerun this failure.
    /// </summary>
    public ulong ReplaySeed { get; } = replaySeed;

    /// <summary>How many simplifications shrinking kept.</summary>
    public int ShrinkSteps { get; } = shrinkSteps;
}

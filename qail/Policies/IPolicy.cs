using Qail.Envs;

namespace Qail.Policies;

/// <summary>
/// Maps an observation to an action, one step at a time. Implementations may keep preallocated buffers,
/// so one instance serves one thread; <see cref="Replicate"/> gives another instance for another worker.
/// </summary>
public interface IPolicy
{
    /// <summary>Short label for tables ("FP32", "PTQ W4g32", ...).</summary>
    string Label { get; }

    /// <summary>The action for <paramref name="observation"/>, in the env's action layout.</summary>
    float[] Act(Observation observation);

    /// <summary>An independent instance with the same weights, safe to use on another thread.</summary>
    IPolicy Replicate();
}

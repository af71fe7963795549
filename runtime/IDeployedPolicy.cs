namespace Qail.Runtime;

/// <summary>
/// A deployed policy on some executor (the CPU runtime, a GPU): one step maps <see cref="PolicyInputs"/> to an
/// action. One instance serves one thread; <see cref="Replicate"/> gives another sharing the weights.
/// </summary>
public interface IDeployedPolicy
{
    /// <summary>Short label for tables ("FP32", "W8A8 PTQ", ...).</summary>
    string Label { get; }

    /// <summary>The weight format, e.g. "FP32", "W4g32", "W8A8".</summary>
    string Precision { get; }

    /// <summary>The graph inputs the policy reads, in its order.</summary>
    IReadOnlyList<GraphInput> Inputs { get; }

    /// <summary>Action length the policy writes.</summary>
    int ActionSize { get; }

    /// <summary>Computes the action for <paramref name="inputs"/> into <paramref name="action"/> (<see cref="ActionSize"/> long).</summary>
    /// <exception cref="ArgumentException">A part the policy reads is missing, has the wrong length or holds a value it refuses.</exception>
    void Act(in PolicyInputs inputs, Span<float> action);

    /// <summary>An independent instance with the same weights, safe to use on another thread.</summary>
    IDeployedPolicy Replicate();
}

namespace Qail.Runtime;

/// <summary>
/// The inputs of one policy step, as views of the caller's buffers (no copy, nothing allocated). Parts the policy
/// does not read (see <see cref="IDeployedPolicy.Inputs"/>) may stay empty; a part it reads may not.
/// </summary>
public readonly ref struct PolicyInputs
{
    /// <summary>The state vector (proprioception, speed, targets): finite floats.</summary>
    public ReadOnlySpan<float> State { get; init; }

    /// <summary>The camera image as 8-bit pixels, height x width x channels interleaved (as cameras deliver it).</summary>
    public ReadOnlySpan<byte> Image { get; init; }

    /// <summary>The instruction's token ids.</summary>
    public ReadOnlySpan<int> Instruction { get; init; }

    /// <summary>The high-level command index, or null when the step has none.</summary>
    public int? Command { get; init; }
}

namespace Qail.Engine.Serialization;

/// <summary>
/// A checkpoint could not be read or does not fit the module; thrown before anything is modified.
/// <see cref="Problem"/> says what kind of fault, <see cref="TensorName"/> which tensor (when one is to blame).
/// </summary>
public sealed class CheckpointException : ArgumentException
{
    /// <summary>Creates the exception; the message is prefixed with the tensor name when there is one.</summary>
    public CheckpointException(CheckpointProblem problem, string? tensorName, string message)
        : base(tensorName is null
            ? $"Checkpoint ({problem}): {message}" : $"Checkpoint tensor '{tensorName}' ({problem}): {message}")
    {
        Problem = problem;
        TensorName = tensorName;
    }

    /// <summary>The kind of fault.</summary>
    public CheckpointProblem Problem { get; }

    /// <summary>The tensor at fault, or null for file-level faults.</summary>
    public string? TensorName { get; }
}

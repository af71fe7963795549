namespace Qail.Nn.Checkpoints;

/// <summary>
/// What a (non-strict) load left out: module state the source lacked, and source tensors the module lacks.
/// </summary>
public sealed record LoadResult(IReadOnlyList<string> MissingKeys, IReadOnlyList<string> UnexpectedKeys);

namespace Qail.Import;

/// <summary>
/// What an import did: tensors loaded, buffers left at the network's own values, tensors ignored, dtypes read.
/// </summary>
public sealed record ImportReport(
    int Loaded, IReadOnlyList<string> DefaultedBuffers, IReadOnlyList<string> Ignored, IReadOnlyList<string> DTypes);

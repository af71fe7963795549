using Qail.Engine;

namespace Qail.Engine.Serialization;

/// <summary>
/// The validated contents of a safetensors file: tensors by name (with their header records) and string metadata.
/// </summary>
public sealed class SafeTensorsArchive
{
    internal SafeTensorsArchive(IReadOnlyList<SafeTensorsEntry> entries, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string> metadata,
        bool checksummed = false)
    {
        Checksummed = checksummed;
        Entries = entries;
        Tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>
    /// True when the file carried a whole-file CRC-32 (<see cref="SafeTensors.ChecksumKey"/>), which then matched; it
    /// is not in <see cref="Metadata"/>.
    /// </summary>
    public bool Checksummed { get; }

    /// <summary>Header records in the order the header lists them.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>Contiguous CPU tensors by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors { get; }

    /// <summary>The optional "__metadata__" string map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}

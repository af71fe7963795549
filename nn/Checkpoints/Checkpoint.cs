using Qail.Engine.Serialization;

namespace Qail.Nn.Checkpoints;

/// <summary>Saves and loads a module's state (parameters and persistent buffers) as a safetensors file.</summary>
public static class Checkpoint
{
    /// <summary>
    /// Writes the module's <see cref="Module.StateDict"/> atomically to <paramref name="path"/>, with a whole-file
    /// checksum.
    /// </summary>
    public static void Save(Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        SafeTensors.Save(path, module.StateDict(), metadata, checksum: true);
    }

    /// <summary>
    /// Reads and validates the whole file, checks every name, dtype and shape against the module, and only then copies
    /// the values in; strict (default) rejects missing and unexpected names, non-strict reports them in the result.
    /// Any fault throws <see cref="CheckpointException"/> with the module unchanged.
    /// </summary>
    public static LoadResult Load(Module module, string path, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        return module.LoadState(SafeTensors.Load(path).Tensors, strict);
    }
}

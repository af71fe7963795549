namespace Qail.Experiments;

/// <summary>
/// Hands a study's config-independent part (<see cref="SharedPart"/>) from one cell to the next: the latest part in
/// memory (cells of one env and seed run back to back), and every part on disk under <see cref="Folder"/> when one is
/// given, so a rerun or another shard on the same folder resumes without retraining. A damaged or mismatched entry is
/// reported in one line and recomputed.
/// </summary>
public sealed class SharedPartCache
{
    private SharedPart? _latest;

    /// <summary>A cache in memory and, when <paramref name="folder"/> is not null, on disk there.</summary>
    public SharedPartCache(string? folder) => Folder = folder;

    /// <summary>The folder of disk entries (null: memory only).</summary>
    public string? Folder { get; }

    /// <summary>The part of <paramref name="key"/> held in memory, or null.</summary>
    public SharedPart? InMemory(SharedPartKey key) => _latest is { } part && part.Key == key ? part : null;

    /// <summary>Keeps <paramref name="part"/> in memory (in place of the previous one) and writes it to disk.</summary>
    public void Store(SharedPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        _latest = part;
        if (Folder is not null) SharedPartFile.Write(Folder, part);
    }

    /// <summary>Keeps a reloaded part in memory without writing it again.</summary>
    public void Remember(SharedPart part) => _latest = part ?? throw new ArgumentNullException(nameof(part));

    /// <summary>
    /// The saliency scores of <paramref name="part"/>'s teacher for <paramref name="patchSize"/>: from memory, from
    /// disk, or computed by <paramref name="compute"/> and stored; <paramref name="origin"/> says where they came from
    /// (null: computed now). A damaged file goes to <paramref name="fault"/> and the scores are recomputed.
    /// </summary>
    public float[] Saliency(SharedPart part, int patchSize, Func<float[]> compute, Action<string> fault,
        out string? origin)
    {
        ArgumentNullException.ThrowIfNull(part);
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(fault);
        if (part.Saliency is { } known && known.PatchSize == patchSize)
        {
            origin = "memory";
            return known.Scores;
        }
        if (Folder is not null)
        {
            try
            {
                if (SharedPartFile.ReadSaliency(Folder, part.Key, patchSize, part.Demonstrations.Steps) is { } read)
                {
                    part.Saliency = (patchSize, read);
                    origin = SharedPartFile.Folder(Folder, part.Key);
                    return read;
                }
            }
            catch (InvalidDataException e)
            {
                fault(e.Message.TrimEnd('.') + "; recomputing");
            }
        }
        var scores = compute();
        part.Saliency = (patchSize, scores);
        if (Folder is not null) SharedPartFile.WriteSaliency(Folder, part.Key, patchSize, scores);
        origin = null;
        return scores;
    }
}

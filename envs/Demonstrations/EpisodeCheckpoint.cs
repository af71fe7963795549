namespace Qail.Envs;

/// <summary>
/// A folder holding the finished episodes of one collection, one file each, so a collection that stops (a killed
/// process, a machine handed back) resumes with the episodes still missing rather than from the start: planner
/// experts take hours a collection. Files are validated on load like any untrusted file; a damaged or foreign one
/// counts as missing and is collected again.
/// </summary>
/// <param name="folder">The collection's own folder (created on the first save).</param>
/// <param name="envName">The env every episode must come from.</param>
/// <param name="seed">The collection's seed every episode must carry.</param>
/// <param name="actionNoise">The collection's action noise every episode must carry.</param>
public sealed class EpisodeCheckpoint(string folder, string envName, int seed, double actionNoise)
{
    /// <summary>The folder the episodes are kept in.</summary>
    public string Folder { get; } = folder ?? throw new ArgumentNullException(nameof(folder));

    /// <summary>Episode <paramref name="index"/> when a valid file of it is kept, else null.</summary>
    public Demonstrations? TryLoad(int index)
    {
        string path = PathOf(index);
        if (!File.Exists(path)) return null;
        try
        {
            var episode = Demonstrations.Load(path);
            return episode.Episodes == 1 && episode.EnvName == envName && episode.Seed == seed
                && episode.ActionNoise == actionNoise ? episode : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Keeps <paramref name="episode"/> (one episode) as episode <paramref name="index"/>, atomically.
    /// </summary>
    public void Save(int index, Demonstrations episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (episode.Episodes != 1)
            throw new ArgumentException($"EpisodeCheckpoint: a checkpoint holds one episode a file, got "
                + $"{episode.Episodes}.", nameof(episode));
        Directory.CreateDirectory(Folder);
        episode.Save(PathOf(index));
    }

    /// <summary>Removes the folder once the whole collection is stored elsewhere.</summary>
    public void Delete()
    {
        if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    private string PathOf(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return Path.Combine(Folder, $"episode-{index:D6}.safetensors");
    }
}

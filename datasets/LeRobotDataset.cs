using Parquet;
using Parquet.Schema;
using Qail.Envs;

namespace Qail.Datasets;

/// <summary>
/// LeRobot datasets (format v2: `data/chunk-*/episode_*.parquet`, one parquet file per episode, with the columns
/// `observation.state`, `action` and `episode_index`; `next.reward` and `next.success` when present). Episodes are
/// taken in file-name order; each file must hold one episode index. Camera streams (meta/info.json features of
/// dtype "video" or "image") are not decoded: a dataset that has them is refused unless the caller asks for the
/// states alone.
/// </summary>
public static class LeRobotDataset
{
    /// <summary>Most steps read from one dataset (bounds memory on an untrusted file's row counts).</summary>
    public const long MaxSteps = 10_000_000;

    /// <summary>
    /// Reads the dataset rooted at <paramref name="root"/> (the folder holding `data/`). A dataset with camera streams
    /// is refused unless <paramref name="statesOnly"/> is true, which loads its state observations and drops them.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A file lacks a column, has rows of unequal width or mixes episodes; or the dataset has cameras and
    /// <paramref name="statesOnly"/> is false.
    /// </exception>
    public static Demonstrations Load(string root, string? name = null, bool statesOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!statesOnly && LeRobotCameras.Declared(root) is { Count: > 0 } cameras)
            throw new InvalidDataException(LeRobotCameras.Refusal(root, cameras));
        var data = Path.Combine(root, "data");
        if (!Directory.Exists(data))
            throw new DirectoryNotFoundException($"{root}: no data/ folder (LeRobot v2 layout).");
        var files = Directory.EnumerateFiles(data, "episode_*.parquet", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new InvalidDataException($"{data}: no episode_*.parquet files.");
        var states = new List<float>();
        var actions = new List<float>();
        var rewards = new List<float>();
        var offsets = new List<long> { 0 };
        var successes = new List<byte>();
        int stateSize = -1, actionSize = -1;
        foreach (var file in files)
        {
            var episode = ReadEpisode(file);
            if (stateSize >= 0 && (episode.State.Width != stateSize || episode.Action.Width != actionSize))
                throw new InvalidDataException(
                    $"{file}: state/action widths {episode.State.Width}/{episode.Action.Width} " +
                    $"differ from the first episode's {stateSize}/{actionSize}.");
            (stateSize, actionSize) = (episode.State.Width, episode.Action.Width);
            if (offsets[^1] + episode.State.Rows > MaxSteps)
                throw new InvalidDataException($"{root}: more than {MaxSteps} steps.");
            states.AddRange(episode.State.Values);
            actions.AddRange(episode.Action.Values);
            rewards.AddRange(episode.Reward ?? new float[episode.State.Rows]);
            offsets.Add(offsets[^1] + episode.State.Rows);
            successes.Add(episode.Success ? (byte)1 : (byte)0);
        }
        return Demonstrations.FromArrays(name ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(root)), actionSize,
            [.. actions], [.. offsets], stateSize, [.. states], rewards: [.. rewards], successes: [.. successes]);
    }

    private static (ColumnRows State, ColumnRows Action, float[]? Reward, bool Success) ReadEpisode(string file)
    {
        using var stream = File.OpenRead(file);
        var reader = ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
        try
        {
            return ReadEpisode(reader, file);
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static (ColumnRows State, ColumnRows Action, float[]? Reward, bool Success) ReadEpisode(
        ParquetReader reader, string file)
    {
        var fields = reader.Schema.GetDataFields();
        DataField Field(string column) => FindField(fields, column)
            ?? throw new InvalidDataException(
                $"{file}: no '{column}' column (has {string.Join(", ", fields.Select(f => f.Path.ToString()))}).");
        var state = ParquetColumns.Read(reader, Field("observation.state"), file, "observation.state");
        var action = ParquetColumns.Read(reader, Field("action"), file, "action");
        var episode = ParquetColumns.Read(reader, Field("episode_index"), file, "episode_index");
        if (state.Rows != action.Rows || episode.Rows != state.Rows || state.Rows == 0)
            throw new InvalidDataException(
                $"{file}: {state.Rows} states, {action.Rows} actions, {episode.Rows} episode indices.");
        if (episode.Values.Distinct().Count() != 1)
        {
            var first = string.Join(", ", episode.Values.Distinct().Take(4));
            throw new InvalidDataException($"{file}: holds more than one episode_index ({first}, ...).");
        }
        float[]? reward = FindField(fields, "next.reward") is { } r
            ? ParquetColumns.Read(reader, r, file, "next.reward").Values
            : null;
        bool success = FindField(fields, "next.success") is { } s
            && ParquetColumns.Read(reader, s, file, "next.success").Values[^1] != 0;
        if (reward is not null && reward.Length != state.Rows)
            throw new InvalidDataException($"{file}: next.reward has {reward.Length} values for {state.Rows} steps.");
        return (state, action, reward, success);
    }

    // A scalar column is its own path; a list column's values sit at "<name>/list/element" (or ".../item").
    private static DataField? FindField(IEnumerable<DataField> fields, string column) =>
        fields.FirstOrDefault(f => f.Path.ToString() == column)
        ?? fields.FirstOrDefault(f => f.Path.ToString().StartsWith(column + "/", StringComparison.Ordinal));
}

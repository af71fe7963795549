using PureHDF;
using Qail.Envs;

namespace Qail.Datasets;

/// <summary>
/// Demonstrations stored as HDF5 by robomimic (`data/demo_N/actions`, `data/demo_N/obs/KEY`, `rewards`; every demo
/// counts as a success) or by Minari (`episode_N/actions`, `episode_N/observations` with one more step than actions,
/// `rewards`, `terminations`; success = the last termination). State keys are concatenated in the order given; an
/// image key names a [T, H, W, C] uint8 dataset. Floats of any width and integers are read as float32.
/// </summary>
public static class Hdf5Demonstrations
{
    /// <summary>Most elements read from one dataset (bounds memory on an untrusted file).</summary>
    public const long MaxElements = 1L << 30;

    /// <summary>
    /// Reads a robomimic file; <paramref name="stateKeys"/> default to every rank-2 dataset under obs/, by name.
    /// </summary>
    public static Demonstrations LoadRobomimic(
        string path, IReadOnlyList<string>? stateKeys = null, string? imageKey = null)
    {
        using var file = H5File.OpenRead(path);
        var data = file.Group("data");
        var episodes = Sorted(data, "demo_").Select(name =>
        {
            var demo = data.Group(name);
            var obs = demo.Group("obs");
            var keys = stateKeys ?? RankTwo(obs);
            return Episode(path, demo, $"data/{name}", obs, $"data/{name}/obs", keys, imageKey,
                observationSurplus: 0, success: true);
        }).ToList();
        return Assemble(path, episodes);
    }

    /// <summary>
    /// Reads a Minari file; observations are `observations` itself, or its datasets named in
    /// <paramref name="stateKeys"/>.
    /// </summary>
    public static Demonstrations LoadMinari(
        string path, IReadOnlyList<string>? stateKeys = null, string? imageKey = null)
    {
        using var file = H5File.OpenRead(path);
        var episodes = Sorted(file, "episode_").Select(name =>
        {
            var episode = file.Group(name);
            bool grouped = episode.Get("observations") is IH5Group;
            var source = grouped ? episode.Group("observations") : episode;
            var keys = grouped ? stateKeys ?? RankTwo(source) : ["observations"];
            var terminations = episode.LinkExists("terminations")
                ? Floats(path, $"{name}/terminations", episode.Dataset("terminations")).Values
                : [];
            return Episode(path, episode, name, source, grouped ? $"{name}/observations" : name, keys, imageKey,
                observationSurplus: 1, success: terminations.Length > 0 && terminations[^1] != 0);
        }).ToList();
        return Assemble(path, episodes);
    }

    private sealed record EpisodeArrays(
        ColumnRows Actions, ColumnRows? States, ColumnRows? Images, int[]? ImageShape, float[]? Rewards, bool Success);

    private static EpisodeArrays Episode(string path, IH5Group episode, string where, IH5Group obs, string obsWhere,
        IReadOnlyList<string> stateKeys, string? imageKey, int observationSurplus, bool success)
    {
        var actions = Floats(path, $"{where}/actions", episode.Dataset("actions"));
        int steps = actions.Rows;
        ColumnRows? states = null;
        foreach (var key in stateKeys)
        {
            var part = Floats(path, $"{obsWhere}/{key}", obs.Dataset(key));
            if (part.Rows != steps + observationSurplus)
                throw new InvalidDataException($"{path}: {obsWhere}/{key} has {part.Rows} rows for {steps} actions.");
            states = Join(states, Head(part, steps));
        }
        ColumnRows? images = null;
        int[]? imageShape = null;
        if (imageKey is not null)
        {
            var dataset = obs.Dataset(imageKey);
            var dims = dataset.Space.Dimensions;
            if (dims.Length != 4 || dataset.Type.Class != H5DataTypeClass.FixedPoint || dataset.Type.Size != 1
                || (long)dims[0] != steps + observationSurplus)
                throw new InvalidDataException(
                    $"{path}: {obsWhere}/{imageKey} must be [{steps + observationSurplus}, H, W, C] " +
                    $"uint8, is [{string.Join(", ", dims)}] of {dataset.Type.Class} {dataset.Type.Size} bytes.");
            CheckSize(path, $"{obsWhere}/{imageKey}", dims);
            var bytes = dataset.Read<byte[]>();
            imageShape = [(int)dims[1], (int)dims[2], (int)dims[3]];
            int frame = imageShape[0] * imageShape[1] * imageShape[2];
            float[] pixels = [.. bytes.AsSpan(0, steps * frame).ToArray().Select(b => (float)b)];
            images = new ColumnRows(imageKey, steps, frame, pixels);
        }
        float[]? rewards = episode.LinkExists("rewards")
            ? Floats(path, $"{where}/rewards", episode.Dataset("rewards")).Values
            : null;
        if (rewards is not null && rewards.Length != steps)
            throw new InvalidDataException($"{path}: {where}/rewards has {rewards.Length} values for {steps} actions.");
        return new EpisodeArrays(actions, states, images, imageShape, rewards, success);
    }

    private static Demonstrations Assemble(string path, List<EpisodeArrays> episodes)
    {
        if (episodes.Count == 0) throw new InvalidDataException($"{path}: no episodes.");
        var first = episodes[0];
        foreach (var e in episodes)
            if (e.Actions.Width != first.Actions.Width || e.States?.Width != first.States?.Width
                || e.Images?.Width != first.Images?.Width)
                throw new InvalidDataException($"{path}: episodes differ in action, state or image width.");
        var offsets = new long[episodes.Count + 1];
        for (int i = 0; i < episodes.Count; i++) offsets[i + 1] = offsets[i] + episodes[i].Actions.Rows;
        return Demonstrations.FromArrays(Path.GetFileNameWithoutExtension(path), first.Actions.Width,
            [.. episodes.SelectMany(e => e.Actions.Values)], offsets,
            first.States?.Width ?? 0, first.States is null ? null : [.. episodes.SelectMany(e => e.States!.Values)],
            first.ImageShape,
            first.Images is null ? null : [.. episodes.SelectMany(e => e.Images!.Values.Select(v => (byte)v))],
            rewards: episodes.All(e => e.Rewards is not null) ? [.. episodes.SelectMany(e => e.Rewards!)] : null,
            successes: [.. episodes.Select(e => e.Success ? (byte)1 : (byte)0)]);
    }

    // The rank-2 datasets of an observation group, by name: the default state keys.
    private static List<string> RankTwo(IH5Group group) =>
        group.Children().OfType<IH5Dataset>().Where(d => d.Space.Rank == 2).Select(d => d.Name)
            .Order(StringComparer.Ordinal).ToList();

    // demo_0, demo_1, ..., demo_10 in numeric order (robomimic and Minari number their episodes).
    private static List<string> Sorted(IH5Group group, string prefix) =>
        group.Children().OfType<IH5Group>().Select(g => g.Name)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && long.TryParse(n.AsSpan(prefix.Length), out _))
            .OrderBy(n => long.Parse(n.AsSpan(prefix.Length))).ToList();

    private static ColumnRows Floats(string path, string where, IH5Dataset dataset)
    {
        var dims = dataset.Space.Dimensions;
        if (dims.Length is < 1 or > 2)
            throw new InvalidDataException($"{path}: {where} has rank {dims.Length}; expected [T] or [T, D].");
        CheckSize(path, where, dims);
        int rows = (int)dims[0], width = dims.Length == 2 ? (int)dims[1] : 1;
        var type = dataset.Type;
        float[] values = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => dataset.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => [.. dataset.Read<double[]>().Select(v => (float)v)],
            // h5py stores numpy bools as a one-byte enumeration (FALSE = 0, TRUE = 1).
            (H5DataTypeClass.FixedPoint or H5DataTypeClass.Enumerated, 1) =>
                [.. dataset.Read<byte[]>().Select(v => (float)v)],
            (H5DataTypeClass.FixedPoint, 4) => [.. dataset.Read<int[]>().Select(v => (float)v)],
            (H5DataTypeClass.FixedPoint, 8) => [.. dataset.Read<long[]>().Select(v => (float)v)],
            _ => throw new InvalidDataException(
                $"{path}: {where} is {type.Class} of {type.Size} bytes, not a number type read here."),
        };
        if (values.Length != (long)rows * width)
            throw new InvalidDataException($"{path}: {where} holds {values.Length} values for [{rows}, {width}].");
        return new ColumnRows(where, rows, width, values);
    }

    private static void CheckSize(string path, string where, ulong[] dims)
    {
        double elements = dims.Aggregate(1.0, (a, d) => a * d);
        if (elements > MaxElements)
            throw new InvalidDataException($"{path}: {where} has {elements} elements, over {MaxElements}.");
    }

    private static ColumnRows Head(ColumnRows rows, int count) =>
        rows.Rows == count
            ? rows
            : rows with { Rows = count, Values = rows.Values.AsSpan(0, count * rows.Width).ToArray() };

    private static ColumnRows Join(ColumnRows? left, ColumnRows right)
    {
        if (left is null) return right;
        int width = left.Width + right.Width;
        var values = new float[left.Rows * width];
        for (int r = 0; r < left.Rows; r++)
        {
            left.Values.AsSpan(r * left.Width, left.Width).CopyTo(values.AsSpan(r * width));
            right.Values.AsSpan(r * right.Width, right.Width).CopyTo(values.AsSpan(r * width + left.Width));
        }
        return new ColumnRows($"{left.Name}+{right.Name}", left.Rows, left.Width + right.Width, values);
    }
}

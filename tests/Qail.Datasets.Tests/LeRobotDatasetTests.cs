using Parquet;
using Parquet.Schema;
using Qail.Envs;

namespace Qail.Datasets.Tests;

/// <summary>
/// LeRobot v2 episodes as parquet files. Debian has no pyarrow, so the files are written here with Parquet.Net's
/// writer API (list columns with repetition levels, as pyarrow lays out `observation.state` and `action`); the
/// importer reads them through the separate reader API.
/// </summary>
public sealed class LeRobotDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("qail-lerobot-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static float State(int episode, int t, int d) => episode * 100 + t * 10 + d + 0.5f;

    private static float Action(int episode, int t, int d) => -(episode * 100 + t * 10 + d) / 7f;

    private void WriteEpisode(int episode, int steps, int stateSize = 3, int actionSize = 2, long? otherEpisode = null)
    {
        var state = new ListField("observation.state", typeof(float));
        var action = new ListField("action", typeof(float));
        var index = new DataField<long>("episode_index");
        var frame = new DataField<long>("frame_index");
        var reward = new DataField<float>("next.reward");
        var success = new DataField<bool>("next.success");
        var schema = new ParquetSchema(state, action, index, frame, reward, success);
        var folder = Path.Combine(_root, "data", "chunk-000");
        Directory.CreateDirectory(folder);
        using var stream = File.Create(Path.Combine(folder, $"episode_{episode:D6}.parquet"));
        var writer = ParquetWriter.CreateAsync(schema, stream).GetAwaiter().GetResult();
        try
        {
            using var group = writer.CreateRowGroup();
            WriteList(group, (DataField)state.Item, steps, stateSize, (t, d) => State(episode, t, d));
            WriteList(group, (DataField)action.Item, steps, actionSize, (t, d) => Action(episode, t, d));
            long[] indices = [.. Enumerable.Range(0, steps).Select(t =>
                otherEpisode is { } o && t == steps - 1 ? o : episode)];
            group.WriteAsync<long>(index, indices.AsMemory()).GetAwaiter().GetResult();
            group.WriteAsync<long>(frame, Enumerable.Range(0, steps).Select(t => (long)t).ToArray().AsMemory())
                .GetAwaiter().GetResult();
            group.WriteAsync<float>(reward, Enumerable.Range(0, steps).Select(t => (float)t).ToArray().AsMemory())
                .GetAwaiter().GetResult();
            group.WriteAsync<bool>(success,
                Enumerable.Range(0, steps).Select(t => t == steps - 1 && episode == 1).ToArray().AsMemory())
                .GetAwaiter().GetResult();
        }
        finally
        {
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void WriteList(ParquetRowGroupWriter group, DataField item, int steps, int width,
        Func<int, int, float> value)
    {
        var values = new float?[steps * width];
        var levels = new int[steps * width];
        for (int t = 0; t < steps; t++)
            for (int d = 0; d < width; d++)
            {
                values[t * width + d] = value(t, d);
                levels[t * width + d] = d == 0 ? 0 : 1;
            }
        // List elements are nullable in parquet's three-level list layout (pyarrow writes them so too).
        group.WriteAsync<float>(item, values.AsMemory(), levels.AsMemory()).GetAwaiter().GetResult();
    }

    [Fact]
    public void EpisodesBecomeDemonstrationsInFileOrder()
    {
        WriteEpisode(0, steps: 4);
        WriteEpisode(1, steps: 6);
        var demos = LeRobotDataset.Load(_root, "so100-test");
        Assert.Equal("so100-test", demos.EnvName);
        Assert.Equal(2, demos.Episodes);
        Assert.Equal([0L, 4, 10], demos.EpisodeOffsets);
        Assert.Equal(3, demos.StateSize);
        Assert.Equal(2, demos.ActionSize);
        Assert.Equal(State(1, 2, 1), demos.States![(4 + 2) * 3 + 1]);
        Assert.Equal(Action(0, 3, 1), demos.Actions[3 * 2 + 1]);
        Assert.Equal([0, 1], demos.Successes.Select(s => (int)s));
        Assert.Equal(5f, demos.Rewards[4 + 5]);
    }

    [Fact]
    public void AFileMixingEpisodesOrWidthsIsRefused()
    {
        WriteEpisode(0, steps: 3, otherEpisode: 9);
        var error = Assert.Throws<InvalidDataException>(() => LeRobotDataset.Load(_root));
        Assert.Contains("more than one episode_index", error.Message, StringComparison.Ordinal);
        WriteEpisode(0, steps: 3);
        WriteEpisode(1, steps: 3, stateSize: 4);
        error = Assert.Throws<InvalidDataException>(() => LeRobotDataset.Load(_root));
        Assert.Contains("differ from the first episode's 3/2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CameraStreamsAreRefusedUnlessTheStatesAloneAreAsked()
    {
        WriteEpisode(0, steps: 3);
        Directory.CreateDirectory(Path.Combine(_root, "meta"));
        File.WriteAllText(Path.Combine(_root, "meta", "info.json"), """
            {"codebase_version": "v2.1", "fps": 30, "features": {
              "observation.state": {"dtype": "float32", "shape": [3]},
              "observation.images.top": {"dtype": "video", "shape": [480, 640, 3]},
              "observation.images.wrist": {"dtype": "image", "shape": [96, 96, 3]},
              "action": {"dtype": "float32", "shape": [2]}}}
            """);
        var error = Assert.Throws<InvalidDataException>(() => LeRobotDataset.Load(_root));
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("observation.images.top (video), observation.images.wrist (image)", error.Message,
            StringComparison.Ordinal);
        Assert.Contains("statesOnly: true", error.Message, StringComparison.Ordinal);
        var demos = LeRobotDataset.Load(_root, statesOnly: true);
        Assert.Equal(3, demos.Steps);
        Assert.Null(demos.Images);
    }
}

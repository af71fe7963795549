using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Physics;

namespace Qail.Envs.Tests.Demonstrations;

public class DemonstrationsTests
{
    private static readonly Lazy<(Qail.Envs.Demonstrations Set, byte[] Bytes)> Small = new(() =>
    {
        var set = Qail.Envs.Demonstrations.Collect("point-mass", episodes: 2, seed: 5, actionNoise: 0.1);
        return (set, set.ToBytes());
    });

    [Fact]
    public void Collection_is_identical_whatever_the_thread_count()
    {
        var one = Qail.Envs.Demonstrations.Collect("cartpole-balance", episodes: 6, seed: 3, actionNoise: 0.2,
            maxDegreeOfParallelism: 1);
        var many = Qail.Envs.Demonstrations.Collect("cartpole-balance", episodes: 6, seed: 3, actionNoise: 0.2,
            maxDegreeOfParallelism: 4);
        var env = Env.Make("cartpole-balance", 0);
        var sequential = Qail.Envs.Demonstrations.Collect(env, Expert.For(env), episodes: 6, seed: 3, actionNoise: 0.2);
        Assert.Equal(one.ToBytes(), many.ToBytes());
        Assert.Equal(one.ToBytes(), sequential.ToBytes());
        Assert.Equal(6, one.Episodes);
        Assert.Equal(6 * PhysicsEnv.EpisodeSteps, one.Steps);
        Assert.Equal(5 * one.Steps, one.States!.Length);
        Assert.Null(one.Images);
    }

    [Fact]
    public void Dart_noise_changes_executed_actions_but_labels_stay_the_expert_actions()
    {
        var set = Qail.Envs.Demonstrations.Collect("cartpole-balance", episodes: 1, seed: 9, actionNoise: 0.3);
        Assert.NotEqual(set.Actions, set.ExecutedActions);
        Assert.All(set.ExecutedActions, a => Assert.InRange(a, -1f, 1f));
        // Replaying the executed actions reproduces the recorded states, and the expert at each state gives the label.
        var env = (PhysicsEnv)Env.Make("cartpole-balance", Qail.Envs.Demonstrations.EpisodeSeed(9, 0));
        var expert = Expert.For(env);
        for (int t = 0; t < 200; t++)
        {
            Assert.Equal(set.States.AsSpan(t * 5, 5).ToArray(), env.Observe(env.PhysicalState));
            Assert.Equal(set.Actions[t], expert.Act(env)[0]);
            env.Step([set.ExecutedActions[t]]);
        }
        Assert.Equal(1, set.Successes[0]);
        var clean = Qail.Envs.Demonstrations.Collect("cartpole-balance", episodes: 1, seed: 9);
        Assert.Equal(clean.Actions, clean.ExecutedActions);
    }

    [Fact]
    public void Files_round_trip_bit_exactly()
    {
        var (set, bytes) = Small.Value;
        string path = Path.Combine(Path.GetTempPath(), $"qail-demos-{Environment.ProcessId}.safetensors");
        set.Save(path);
        try
        {
            var loaded = Qail.Envs.Demonstrations.Load(path);
            Assert.Equal(bytes, loaded.ToBytes());
            Assert.Equal("point-mass", loaded.EnvName);
            Assert.Equal(5, loaded.Seed);
            Assert.Equal(0.1, loaded.ActionNoise);
            Assert.Equal(set.States, loaded.States);
            Assert.Equal(set.Actions, loaded.Actions);
            Assert.Equal(set.ExecutedActions, loaded.ExecutedActions);
            Assert.Equal(set.Rewards, loaded.Rewards);
            Assert.Equal(set.EpisodeOffsets, loaded.EpisodeOffsets);
            Assert.Equal(set.Successes, loaded.Successes);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Property(MaxTest = 60)]
    public Property Truncated_files_are_refused(PositiveInt cut)
    {
        var bytes = Small.Value.Bytes;
        int length = cut.Get % bytes.Length;
        return Refused(bytes[..length]);
    }

    [Property(MaxTest = 150)]
    public Property Files_with_a_flipped_byte_are_refused(PositiveInt position, byte mask)
    {
        var bytes = (byte[])Small.Value.Bytes.Clone();
        // Half the flips land in the header, where the structure lives.
        int header = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        int at = position.Get % 2 == 0 ? position.Get / 2 % header : position.Get % bytes.Length;
        bytes[at] ^= mask == 0 ? (byte)1 : mask;
        return Refused(bytes);
    }

    [Property(MaxTest = 30)]
    public Property Oversized_header_lengths_are_refused(ulong length)
    {
        var bytes = (byte[])Small.Value.Bytes.Clone();
        ulong claimed = Math.Max(length, (ulong)bytes.Length - 7);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimed);
        return Refused(bytes);
    }

    [Theory]
    [InlineData("{\"a\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2, "unknown dtype")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4, "data_offsets span")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"U8\",\"shape\":[4],"
        + "\"data_offsets\":[2,6]}}", 6, "overlap")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 2, "past the")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}", 4, "well-formed")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[-4],\"data_offsets\":[0,4]}}", 4, "non-negative")]
    [InlineData("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"U8\",\"shape\":[0],"
        + "\"data_offsets\":[4,4]}}", 4, "twice")]
    [InlineData("{\"__metadata__\":{\"format\":\"qail-demonstrations/1\"},\"a\":{\"dtype\":\"U8\",\"shape\":[4],"
        + "\"data_offsets\":[0,4]}}", 4, "crc32")]
    public void Structural_violations_are_named(string header, int dataBytes, string expected)
    {
        var text = System.Text.Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + text.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)text.Length);
        text.CopyTo(file, 8);
        var e = Assert.Throws<InvalidDataException>(() => Qail.Envs.Demonstrations.FromBytes(file));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Qail.Envs.Demonstrations.Collect("nope", 1, 0));
        Assert.Throws<ArgumentException>(() => Qail.Envs.Demonstrations.Collect("point-mass", 0, 0));
        Assert.Throws<ArgumentException>(() =>
            Qail.Envs.Demonstrations.Collect("point-mass", 1, 0, actionNoise: double.NaN));
    }

    private static Property Refused(byte[] bytes)
    {
        try
        {
            Qail.Envs.Demonstrations.FromBytes(bytes);
            return false.Label("accepted a corrupted file");
        }
        catch (InvalidDataException)
        {
            return true.ToProperty();
        }
    }
}

public class RegisteredDemonstrationsTests
{
    // The MuJoCo tasks' planners are too slow for whole episodes here; MujocoEnvTests collect short ones.
    public static TheoryData<string> CheapNames() =>
        new(Env.Names.Where(n => n != "acrobot-swingup" && !Qail.Envs.MuJoCo.MujocoTasks.Names.Contains(n)));

    [Theory]
    [MemberData(nameof(CheapNames))]
    public void Every_registered_env_collects_and_round_trips(string name)
    {
        var set = Qail.Envs.Demonstrations.Collect(name, episodes: 1, seed: 2, actionNoise: 0.05);
        var spec = Env.Make(name, 0).Spec;
        Assert.Equal(spec.StateSize, set.StateSize);
        Assert.Equal(spec.Image is null, set.Images is null);
        Assert.Equal(spec.Instruction is null, set.Instructions is null);
        Assert.Equal(spec.CommandCount == 0, set.Commands is null);
        Assert.InRange(set.Steps, 1, spec.MaxSteps);
        var bytes = set.ToBytes();
        Assert.Equal(bytes, Qail.Envs.Demonstrations.FromBytes(bytes).ToBytes());
    }
}

public class DemonstrationCacheTests
{
    [Fact]
    public void Same_recipe_is_collected_once_and_a_damaged_entry_is_rebuilt()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"qail-cache-test-{Guid.NewGuid():N}");
        try
        {
            var first = DemonstrationCache.GetOrCollect("point-mass", 2, seed: 4, actionNoise: 0.1, directory,
                out bool hit1);
            var second = DemonstrationCache.GetOrCollect("point-mass", 2, seed: 4, actionNoise: 0.1, directory,
                out bool hit2);
            Assert.False(hit1);
            Assert.True(hit2);
            Assert.Equal(first.ToBytes(), second.ToBytes());
            Assert.NotEqual(DemonstrationCache.Key("point-mass", 2, 4, 0.1),
                DemonstrationCache.Key("point-mass", 2, 4, 0.2));
            Assert.NotEqual(DemonstrationCache.Key("point-mass", 2, 4, 0.1),
                DemonstrationCache.Key("point-mass", 2, 5, 0.1));
            string file = Directory.GetFiles(directory).Single();
            var bytes = File.ReadAllBytes(file);
            bytes[^1] ^= 0xFF;
            File.WriteAllBytes(file, bytes);
            var rebuilt = DemonstrationCache.GetOrCollect("point-mass", 2, seed: 4, actionNoise: 0.1, directory,
                out bool hit3);
            Assert.False(hit3);
            Assert.Equal(first.ToBytes(), rebuilt.ToBytes());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_stopped_collection_resumes_with_its_missing_episodes()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"qail-cache-test-{Guid.NewGuid():N}");
        try
        {
            var whole = Qail.Envs.Demonstrations.Collect("point-mass", 4, seed: 4, actionNoise: 0.1);
            string key = DemonstrationCache.Key("point-mass", 4, 4, 0.1);
            string folder = Path.Combine(directory, $"point-mass-{key[..16]}.partial");
            var checkpoint = new EpisodeCheckpoint(folder, "point-mass", 4, 0.1);
            // Collected through a checkpoint, the set is the same, bit for bit, and every episode is kept.
            Assert.Equal(whole.ToBytes(),
                Qail.Envs.Demonstrations.Collect("point-mass", 4, seed: 4, actionNoise: 0.1, checkpoint: checkpoint)
                    .ToBytes());
            var episodes = Directory.GetFiles(folder).Order().ToArray();
            Assert.Equal(4, episodes.Length);

            // A stopped run: episode 0 never finished, episode 2's file is damaged, episode 3's belongs to another
            // collection, and episode 1 is a kept 3-step episode (told apart from a fresh one by its length).
            File.Delete(episodes[0]);
            File.WriteAllBytes(episodes[2], File.ReadAllBytes(episodes[2])[..100]);
            var foreign = new EpisodeCheckpoint(Path.Combine(directory, "foreign"), "point-mass", 5, 0.1);
            Qail.Envs.Demonstrations.Collect("point-mass", 1, seed: 5, actionNoise: 0.1, checkpoint: foreign);
            File.Copy(Directory.GetFiles(foreign.Folder).Single(), episodes[3], overwrite: true);
            var shortened = new EpisodeCheckpoint(Path.Combine(directory, "short"), "point-mass", 4, 0.1);
            Qail.Envs.Demonstrations.Collect("point-mass", 2, seed: 4, actionNoise: 0.1, maxSteps: 3,
                checkpoint: shortened);
            File.Copy(Directory.GetFiles(shortened.Folder).Order().Last(), episodes[1], overwrite: true);

            var resumed = DemonstrationCache.GetOrCollect("point-mass", 4, seed: 4, actionNoise: 0.1, directory,
                out bool hit);
            Assert.False(hit);
            long[] offsets = whole.EpisodeOffsets;
            long first = offsets[1], third = offsets[3] - offsets[2], fourth = offsets[4] - offsets[3];
            Assert.Equal([0L, first, first + 3, first + 3 + third, first + 3 + third + fourth],
                resumed.EpisodeOffsets);
            int a = whole.ActionSize;
            Assert.Equal(whole.Actions[..(int)(first * a)], resumed.Actions[..(int)(first * a)]);
            Assert.Equal(whole.Actions[(int)(offsets[2] * a)..], resumed.Actions[(int)((first + 3) * a)..]);
            // The finished set is stored and its episode folder removed.
            Assert.False(Directory.Exists(folder));
            Assert.Equal(resumed.ToBytes(), DemonstrationCache.GetOrCollect("point-mass", 4, seed: 4,
                actionNoise: 0.1, directory, out bool again).ToBytes());
            Assert.True(again);
            Assert.Throws<ArgumentException>(() => checkpoint.Save(0, whole));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void On_policy_episodes_are_cached_under_the_learners_fingerprint()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"qail-cache-test-{Guid.NewGuid():N}");
        try
        {
            Func<Func<Observation, float[]>> learner = () => _ => [0.3f, -0.2f];
            var direct = Qail.Envs.Demonstrations.CollectOnPolicy(() => Env.Make("point-mass", 0), Expert.For,
                learner, episodes: 2, seed: 9, firstIndex: 5);
            var first = DemonstrationCache.GetOrCollectOnPolicy("point-mass", "learner-a", learner, 2, 9, 5,
                directory, out bool hit1);
            var second = DemonstrationCache.GetOrCollectOnPolicy("point-mass", "learner-a", learner, 2, 9, 5,
                directory, out bool hit2);
            Assert.False(hit1);
            Assert.True(hit2);
            Assert.Equal(direct.ToBytes(), first.ToBytes());
            Assert.Equal(direct.ToBytes(), second.ToBytes());
            Assert.Single(Directory.GetFiles(directory));
            Assert.Empty(Directory.GetDirectories(directory));
            string key = DemonstrationCache.OnPolicyKey("point-mass", "learner-a", 2, 9, 5);
            Assert.NotEqual(key, DemonstrationCache.OnPolicyKey("point-mass", "learner-b", 2, 9, 5));
            Assert.NotEqual(key, DemonstrationCache.OnPolicyKey("point-mass", "learner-a", 2, 9, 6));
            Assert.NotEqual(key, DemonstrationCache.Key("point-mass", 2, 9, 0));
            Assert.Throws<ArgumentException>(() => DemonstrationCache.GetOrCollectOnPolicy("point-mass", "",
                learner, 2, 9, 5, directory, out _));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_step_cap_ends_every_episode_early_and_is_part_of_the_recipe()
    {
        var whole = Qail.Envs.Demonstrations.Collect("point-mass", 2, seed: 4, actionNoise: 0.1);
        var capped = Qail.Envs.Demonstrations.Collect("point-mass", 2, seed: 4, actionNoise: 0.1, maxSteps: 7);
        Assert.Equal([0L, 7L, 14L], capped.EpisodeOffsets);
        // The capped episodes are the whole episodes' first steps.
        long start = whole.EpisodeOffsets[1];
        Assert.Equal(whole.Actions.AsSpan((int)start * whole.ActionSize, 7 * whole.ActionSize).ToArray(),
            capped.Actions.AsSpan(7 * capped.ActionSize, 7 * capped.ActionSize).ToArray());
        string key = DemonstrationCache.Key("point-mass", 2, 4, 0.1);
        Assert.Equal(key, DemonstrationCache.Key("point-mass", 2, 4, 0.1, maxSteps: 0));
        Assert.NotEqual(key, DemonstrationCache.Key("point-mass", 2, 4, 0.1, maxSteps: 7));
        Assert.Throws<ArgumentException>(() =>
            Qail.Envs.Demonstrations.Collect("point-mass", 1, seed: 4, maxSteps: -1));
        var env = Env.Make("point-mass", 0);
        var frames = Qail.Envs.Rendering.EpisodeRecorder.Record(env, (_, _) => new float[env.Spec.Action.Size], 0,
            frameEvery: 2, maxSteps: 5);
        Assert.Equal(4, frames.Count); // after reset, steps 2 and 4, and the last step 5
    }
}

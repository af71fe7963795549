using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Qail.IO;

namespace Qail.Envs;

/// <summary>
/// Expert demonstrations: per-step observations (the parts the env has), the expert's clean action labels, the
/// actions actually executed (label + DART noise), rewards, and episode boundaries, with the env name and seed.
/// Steps of episode e are [EpisodeOffsets[e], EpisodeOffsets[e + 1]). Saved as a safetensors file.
/// </summary>
public sealed partial class Demonstrations
{
    /// <summary>Format tag stored in the metadata.</summary>
    public const string Format = "qail-demonstrations/1";

    private Demonstrations(string envName, int seed, double actionNoise, int stateSize, int actionSize,
        int[]? imageShape,
        int instructionLength, bool hasCommand, float[]? states, byte[]? images, int[]? instructions, int[]? commands,
        float[] actions, float[] executedActions, float[] rewards, long[] episodeOffsets, byte[] successes)
    {
        EnvName = envName;
        Seed = seed;
        ActionNoise = actionNoise;
        StateSize = stateSize;
        ActionSize = actionSize;
        ImageShape = imageShape;
        InstructionLength = instructionLength;
        HasCommand = hasCommand;
        States = states;
        Images = images;
        Instructions = instructions;
        Commands = commands;
        Actions = actions;
        ExecutedActions = executedActions;
        Rewards = rewards;
        EpisodeOffsets = episodeOffsets;
        Successes = successes;
    }

    /// <summary>Registry name of the env the episodes come from.</summary>
    public string EnvName { get; }

    /// <summary>Seed the collection was derived from.</summary>
    public int Seed { get; }

    /// <summary>Standard deviation of the executed-action noise, as a fraction of each action's half-range.</summary>
    public double ActionNoise { get; }

    /// <summary>Length of each state vector (0 when the env has none).</summary>
    public int StateSize { get; }

    /// <summary>Length of each action.</summary>
    public int ActionSize { get; }

    /// <summary>Image shape (H, W, C) when observations carry images, else null.</summary>
    public int[]? ImageShape { get; }

    /// <summary>Instruction token count per step (0 when absent).</summary>
    public int InstructionLength { get; }

    /// <summary>True when observations carry a high-level command.</summary>
    public bool HasCommand { get; }

    /// <summary>States, steps x StateSize, or null.</summary>
    public float[]? States { get; }

    /// <summary>Images, steps x H x W x C bytes, or null.</summary>
    public byte[]? Images { get; }

    /// <summary>Instruction tokens, steps x InstructionLength, or null.</summary>
    public int[]? Instructions { get; }

    /// <summary>Commands, one per step, or null.</summary>
    public int[]? Commands { get; }

    /// <summary>Clean expert action labels, steps x ActionSize.</summary>
    public float[] Actions { get; }

    /// <summary>
    /// Actions executed in the env (label + noise, kept inside the action bounds), steps x ActionSize.
    /// </summary>
    public float[] ExecutedActions { get; }

    /// <summary>Reward received after each step.</summary>
    public float[] Rewards { get; }

    /// <summary>Episode start offsets plus the total step count at the end (length Episodes + 1).</summary>
    public long[] EpisodeOffsets { get; }

    /// <summary>1 where the episode's last step reported success, else 0.</summary>
    public byte[] Successes { get; }

    /// <summary>Number of episodes.</summary>
    public int Episodes => EpisodeOffsets.Length - 1;

    /// <summary>Total number of steps.</summary>
    public int Steps => Rewards.Length;

    /// <summary>Collects episodes of a registered env with its registered expert; see the factory overload.</summary>
    public static Demonstrations Collect(string envName, int episodes, int seed, double actionNoise = 0,
        int maxDegreeOfParallelism = -1,
        int maxSteps = 0, EpisodeCheckpoint? checkpoint = null)
    {
        var registration = Env.Lookup(envName);
        return Collect(registration.Create, registration.Expert, episodes, seed, actionNoise, maxDegreeOfParallelism,
            maxSteps, checkpoint);
    }

    /// <summary>
    /// Collects <paramref name="episodes"/> expert episodes in parallel (one env per worker, a fresh expert per
    /// episode). Episode i resets with a seed derived from (<paramref name="seed"/>, i) and draws its noise from its
    /// own stream, so the result is identical whatever the thread count. Executed action = expert + N(0, (noise x
    /// half-range)^2) per dimension, kept inside the bounds; the recorded label is the clean expert action (DART). A
    /// positive
    /// <paramref name="maxSteps"/> ends each episode after that many steps (smoke runs of slow experts). With a
    /// <paramref name="checkpoint"/>, the episodes it keeps are reused, each missing one is stored there as it ends,
    /// and the result is the same set, bit for bit.
    /// </summary>
    public static Demonstrations Collect(Func<IEnv> envFactory, Func<IEnv, IExpert> expertFactory, int episodes,
        int seed,
        double actionNoise = 0, int maxDegreeOfParallelism = -1, int maxSteps = 0,
        EpisodeCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(envFactory);
        ArgumentNullException.ThrowIfNull(expertFactory);
        CheckCounts(episodes, actionNoise);
        if (maxSteps < 0)
            throw new ArgumentException(
                $"Demonstrations.Collect: maxSteps {maxSteps} must be 0 (whole episodes) or positive.",
                nameof(maxSteps));
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentException(
                $"Demonstrations.Collect: maxDegreeOfParallelism {maxDegreeOfParallelism} must be -1 or positive.",
                nameof(maxDegreeOfParallelism));
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        if (checkpoint is not null)
            return Resume(checkpoint, episodes, options, envFactory, (i, env) => Assemble(env,
                [Record(env, expertFactory(env), i, seed, actionNoise, maxSteps, learner: null)], seed, actionNoise));
        var recorded = new Episode[episodes];
        Parallel.For(0, episodes, options, envFactory, (i, _, env) =>
        {
            recorded[i] = Record(env, expertFactory(env), i, seed, actionNoise, maxSteps, learner: null);
            return env;
        }, _ => { });
        return Assemble(envFactory(), recorded, seed, actionNoise);
    }

    /// <summary>
    /// Collects episodes on the given instances, one after another (an expert bound to <paramref name="env"/> cannot be
    /// shared across threads). Gives the same data as the parallel overloads when the expert depends only on the env's
    /// state since its last reset, as the registered experts do.
    /// </summary>
    public static Demonstrations Collect(IEnv env, IExpert expert, int episodes, int seed, double actionNoise = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(expert);
        CheckCounts(episodes, actionNoise);
        var recorded = new Episode[episodes];
        for (int i = 0; i < episodes; i++)
            recorded[i] = Record(env, expert, i, seed, actionNoise, maxSteps: 0, learner: null);
        return Assemble(env, recorded, seed, actionNoise);
    }

    /// <summary>
    /// The per-episode reset seed that <see cref="Collect(string, int, int, double, int, int, EpisodeCheckpoint)"/>
    /// uses for episode <paramref name="index"/>.
    /// </summary>
    public static int EpisodeSeed(int seed, int index) => SplitMix64.Derive(seed, index).NextSeed();

    /// <summary>Serializes to safetensors bytes.</summary>
    public byte[] ToBytes()
    {
        long steps = Steps;
        var tensors = new List<SafeTensor>
        {
            new("actions", SafeTensorDType.F32, [steps, ActionSize], Bytes(Actions)),
            new("executed_actions", SafeTensorDType.F32, [steps, ActionSize], Bytes(ExecutedActions)),
            new("rewards", SafeTensorDType.F32, [steps], Bytes(Rewards)),
            new("episode_offsets", SafeTensorDType.I64, [EpisodeOffsets.Length], Bytes(EpisodeOffsets)),
            new("success", SafeTensorDType.U8, [Episodes], (byte[])Successes.Clone()),
        };
        if (States is not null) tensors.Add(new("state", SafeTensorDType.F32, [steps, StateSize], Bytes(States)));
        if (Images is not null)
            tensors.Add(new("image", SafeTensorDType.U8, [steps, ImageShape![0], ImageShape[1], ImageShape[2]],
                (byte[])Images.Clone()));
        if (Instructions is not null)
            tensors.Add(new("instruction", SafeTensorDType.I32, [steps, InstructionLength], Bytes(Instructions)));
        if (Commands is not null) tensors.Add(new("command", SafeTensorDType.I32, [steps], Bytes(Commands)));
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["env"] = EnvName,
            ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
            ["action_noise"] = ActionNoise.ToString("R", CultureInfo.InvariantCulture),
            [ChecksumKey] = ChecksumPlaceholder,
        };
        var file = SafeTensors.Write(tensors, metadata);
        // The CRC covers the whole file with its own field zeroed, so any corrupted byte is caught on load.
        int field = ChecksumFieldOffset(file);
        Encoding.ASCII.GetBytes(Crc32.Compute(file).ToString("x8", CultureInfo.InvariantCulture),
            file.AsSpan(field, 8));
        return file;
    }

    /// <summary>
    /// Writes the set to a safetensors file atomically (temp file in the same folder, flushed, renamed).
    /// </summary>
    public void Save(string path) => AtomicFile.WriteAllBytes(path, ToBytes());

    /// <summary>Largest file <see cref="Load"/> reads: the whole file is held in one array.</summary>
    public const long MaxFileBytes = 0x7FFFFFC7;

    /// <summary>
    /// Largest magnitude of a stored state, action or reward (that of <see cref="ObservationCheck"/>): normalising
    /// statistics stay finite below it, so larger values are refused rather than turned into NaN during training.
    /// </summary>
    public const float MaxMagnitude = ObservationCheck.MaxMagnitude;

    /// <summary>
    /// Reads a set written by <see cref="Save"/>, validating it as untrusted input. A file of n bytes makes the loader
    /// allocate at most about 4n bytes (the file, the tensors' copies and their typed arrays) before it accepts or
    /// refuses.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed, too large or not a regular file; the message says
    /// how.</exception>
    public static Demonstrations Load(string path) => FromBytes(ReadBounded(path));

    // The length is taken from the file system and checked before the buffer is allocated; a device or pipe
    // (no length, or bytes past it) is refused after reading at most one byte more.
    private static byte[] ReadBounded(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
        if (!stream.CanSeek)
            throw new InvalidDataException("demonstrations: the file is not a regular file (it has no length).");
        long length = stream.Length;
        if (length > MaxFileBytes)
            throw new InvalidDataException(
                $"demonstrations: the file has {length} bytes, more than the limit of {MaxFileBytes}.");
        var bytes = new byte[length];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
            throw new InvalidDataException($"demonstrations: the file ended after {read} of its {length} bytes.");
        if (stream.ReadByte() != -1)
            throw new InvalidDataException($"demonstrations: the file holds more than its stated {length} bytes (a "
                + "device, or still being written).");
        return bytes;
    }

    /// <summary>Parses safetensors bytes, validating the container and the episode structure.</summary>
    /// <exception cref="InvalidDataException">The bytes are malformed; the message says how.</exception>
    public static Demonstrations FromBytes(ReadOnlySpan<byte> file)
    {
        var (tensors, metadata) = SafeTensors.Read(file);
        Check(metadata.TryGetValue(ChecksumKey, out var stored) && stored.Length == 8,
            $"metadata lacks '{ChecksumKey}'");
        // The CRC of the file with its own field read as the placeholder, without copying the file.
        int field = ChecksumFieldOffset(file);
        uint crc = Crc32.Update(Crc32.Initial, file[..field]);
        crc = Crc32.Update(crc, Encoding.ASCII.GetBytes(ChecksumPlaceholder));
        string actual = Crc32.Finish(Crc32.Update(crc, file[(field + 8)..]))
            .ToString("x8", CultureInfo.InvariantCulture);
        Check(stored == actual, $"checksum {stored} does not match the content ({actual}): the file is corrupted");
        Check(metadata.TryGetValue("format", out var format) && format == Format,
            $"metadata 'format' must be '{Format}'");
        Check(metadata.TryGetValue("env", out var envName) && envName.Length > 0, "metadata lacks 'env'");
        Check(metadata.TryGetValue("seed", out var seedText) && int.TryParse(seedText, NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture, out _), "metadata 'seed' is not an integer");
        Check(metadata.TryGetValue("action_noise", out var noiseText) && double.TryParse(noiseText, NumberStyles.Float,
            CultureInfo.InvariantCulture, out double noise) && noise >= 0 && double.IsFinite(noise),
            "metadata 'action_noise' is not a finite non-negative number");
        int seed = int.Parse(seedText!, CultureInfo.InvariantCulture);
        double actionNoise = double.Parse(noiseText!, CultureInfo.InvariantCulture);
        var known = new HashSet<string> { "actions", "executed_actions", "rewards", "episode_offsets", "success",
            "state", "image", "instruction", "command" };
        foreach (var name in tensors.Keys) Check(known.Contains(name), $"unknown tensor '{name}'");

        var rewards = Required(tensors, "rewards", SafeTensorDType.F32, 1);
        long steps = rewards.Shape[0];
        var actions = Required(tensors, "actions", SafeTensorDType.F32, 2);
        Check(actions.Shape[0] == steps && actions.Shape[1] > 0,
            $"actions shape [{string.Join(", ", actions.Shape)}] does not match {steps} steps");
        var executed = Required(tensors, "executed_actions", SafeTensorDType.F32, 2);
        Check(executed.Shape.SequenceEqual(actions.Shape), "executed_actions and actions shapes differ");
        var offsetsTensor = Required(tensors, "episode_offsets", SafeTensorDType.I64, 1);
        var offsets = MemoryMarshal.Cast<byte, long>(offsetsTensor.Data).ToArray();
        Check(offsets.Length >= 2, "episode_offsets needs at least one episode");
        Check(offsets[0] == 0 && offsets[^1] == steps, $"episode_offsets must run from 0 to {steps}");
        for (int i = 1; i < offsets.Length; i++)
            if (offsets[i] <= offsets[i - 1])
                throw Invalid($"episode_offsets must increase strictly (episode {i - 1} is empty or reversed)");
        var success = Required(tensors, "success", SafeTensorDType.U8, 1);
        Check(success.Shape[0] == offsets.Length - 1,
            $"success has {success.Shape[0]} entries for {offsets.Length - 1} episodes");
        foreach (byte b in success.Data) Check(b <= 1, "success entries must be 0 or 1");

        float[]? states = null;
        byte[]? images = null;
        int[]? instructions = null, commands = null, imageShape = null;
        int stateSize = 0, instructionLength = 0;
        if (tensors.TryGetValue("state", out var state))
        {
            CheckPart(state, SafeTensorDType.F32, 2, steps);
            stateSize = (int)state.Shape[1];
            states = Floats(state);
        }
        if (tensors.TryGetValue("image", out var image))
        {
            CheckPart(image, SafeTensorDType.U8, 4, steps);
            imageShape = [(int)image.Shape[1], (int)image.Shape[2], (int)image.Shape[3]];
            images = image.Data;
        }
        if (tensors.TryGetValue("instruction", out var instruction))
        {
            CheckPart(instruction, SafeTensorDType.I32, 2, steps);
            instructionLength = (int)instruction.Shape[1];
            instructions = MemoryMarshal.Cast<byte, int>(instruction.Data).ToArray();
        }
        if (tensors.TryGetValue("command", out var command))
        {
            CheckPart(command, SafeTensorDType.I32, 1, steps);
            commands = MemoryMarshal.Cast<byte, int>(command.Data).ToArray();
        }
        return new Demonstrations(envName!, seed, actionNoise, stateSize, (int)actions.Shape[1], imageShape,
            instructionLength,
            commands is not null, states, images, instructions, commands, Floats(actions), Floats(executed),
            Floats(rewards), offsets, success.Data);
    }

    private const string ChecksumKey = "crc32", ChecksumPlaceholder = "00000000";

    // Byte offset of the 8 hex digits of the checksum field inside the header.
    private static int ChecksumFieldOffset(ReadOnlySpan<byte> file)
    {
        var needle = Encoding.ASCII.GetBytes($"\"{ChecksumKey}\":\"");
        int headerEnd = 8 + (int)BitConverter.ToUInt64(file);
        var header = file[8..headerEnd];
        int at = header.IndexOf(needle);
        Check(at >= 0 && header[(at + 1)..].IndexOf(needle) < 0 && at + needle.Length + 9 <= header.Length
            && header[at + needle.Length + 8] == (byte)'"',
            $"the '{ChecksumKey}' field must appear once as 8 hex digits");
        return 8 + at + needle.Length;
    }

    // The checkpoint's episodes, then the missing ones recorded in parallel (each stored as it ends), joined in
    // order: Concat of one-episode sets is the set Assemble makes of all of them. At most one episode a core runs at
    // once, so episodes end (and are kept) one after another rather than all together at the end.
    private static Demonstrations Resume<TWorker>(EpisodeCheckpoint checkpoint, int episodes, ParallelOptions options,
        Func<TWorker> worker, Func<int, TWorker, Demonstrations> record)
    {
        var parts = new Demonstrations?[episodes];
        for (int i = 0; i < episodes; i++) parts[i] = checkpoint.TryLoad(i);
        var missing = Enumerable.Range(0, episodes).Where(i => parts[i] is null).ToArray();
        if (options.MaxDegreeOfParallelism == -1)
            options = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, missing.Length, options, worker, (m, _, state) =>
        {
            int i = missing[m];
            var part = record(i, state);
            checkpoint.Save(i, part);
            parts[i] = part;
            return state;
        }, _ => { });
        return Concat(parts!);
    }

    private sealed record Episode(List<Observation> Observations, List<float[]> Labels, List<float[]> Executed,
        List<float> Rewards, bool Success);

    // With a learner, the learner's action is executed and the expert's only recorded (DAgger); else the expert's
    // label plus DART noise is executed.
    private static Episode Record(IEnv env, IExpert expert, int index, int seed, double actionNoise, int maxSteps,
        Func<Observation, float[]>? learner)
    {
        var rng = SplitMix64.Derive(seed, index);
        var observation = env.Reset(rng.NextSeed());
        var space = env.Spec.Action;
        var episode = new Episode([], [], [], [], false);
        while (true)
        {
            float[] label = expert.Act(env);
            var executed = learner is null ? (float[])label.Clone() : learner(observation);
            if (actionNoise > 0)
                for (int d = 0; d < executed.Length && d < space.Size; d++)
                {
                    double halfRange = (space.High[d] - space.Low[d]) / 2.0;
                    executed[d] = (float)Math.Clamp(label[d] + actionNoise * halfRange * rng.NextGaussian(),
                        space.Low[d], space.High[d]);
                }
            var result = env.Step(executed);
            episode.Observations.Add(observation);
            episode.Labels.Add(label);
            episode.Executed.Add(executed);
            episode.Rewards.Add((float)result.Reward);
            observation = result.Observation;
            if (result.Done || episode.Rewards.Count == maxSteps) return episode with { Success = result.Info.Success };
        }
    }

    private static Demonstrations Assemble(IEnv env, Episode[] recorded, int seed, double actionNoise)
    {
        var spec = env.Spec;
        int actionSize = spec.Action.Size;
        long total = recorded.Sum(e => (long)e.Rewards.Count);
        if (total > int.MaxValue / Math.Max(1, Math.Max(actionSize, spec.StateSize)))
            throw new ArgumentException($"Demonstrations.Collect: {total} steps are too many for one set.");
        int steps = (int)total;
        int[]? imageShape = spec.Image is { } im ? [im.Height, im.Width, im.Channels] : null;
        int imageSize = imageShape is null ? 0 : imageShape[0] * imageShape[1] * imageShape[2];
        int instructionLength = spec.Instruction?.Length ?? 0;
        var states = spec.StateSize > 0 ? new float[steps * spec.StateSize] : null;
        var images = imageShape is not null ? new byte[(long)steps * imageSize] : null;
        var instructions = instructionLength > 0 ? new int[steps * instructionLength] : null;
        var commands = spec.CommandCount > 0 ? new int[steps] : null;
        var actions = new float[steps * actionSize];
        var executedActions = new float[steps * actionSize];
        var rewards = new float[steps];
        var offsets = new long[recorded.Length + 1];
        var successes = new byte[recorded.Length];
        int t = 0;
        for (int e = 0; e < recorded.Length; e++)
        {
            var episode = recorded[e];
            offsets[e] = t;
            successes[e] = episode.Success ? (byte)1 : (byte)0;
            for (int i = 0; i < episode.Rewards.Count; i++, t++)
            {
                var o = episode.Observations[i];
                if (states is not null) Copy(o.State, states, t, spec.StateSize, env.Name, "state");
                if (images is not null) Copy(o.Image, images, t, imageSize, env.Name, "image");
                if (instructions is not null)
                    Copy(o.Instruction, instructions, t, instructionLength, env.Name, "instruction");
                if (commands is not null)
                    commands[t] = o.Command ?? throw new InvalidOperationException(
                        $"Demonstrations: {env.Name} observation lacks the command its spec declares.");
                Copy(episode.Labels[i], actions, t, actionSize, env.Name, "expert action");
                Copy(episode.Executed[i], executedActions, t, actionSize, env.Name, "executed action");
                rewards[t] = episode.Rewards[i];
            }
        }
        offsets[^1] = t;
        return new Demonstrations(env.Name, seed, actionNoise, spec.StateSize, actionSize, imageShape,
            instructionLength,
            commands is not null, states, images, instructions, commands, actions, executedActions, rewards, offsets,
            successes);
    }

    private static void Copy<T>(T[]? source, T[] destination, int step, int size, string env, string part)
    {
        if (source is null || source.Length != size)
            throw new InvalidOperationException(
                $"Demonstrations: {env} gave a {part} of length {source?.Length ?? 0}, its spec says {size}.");
        source.CopyTo(destination, (long)step * size);
    }

    private static void CheckCounts(int episodes, double actionNoise)
    {
        if (episodes <= 0)
            throw new ArgumentException($"Demonstrations.Collect: episodes must be positive, got {episodes}.",
                nameof(episodes));
        if (!(actionNoise >= 0) || !double.IsFinite(actionNoise))
            throw new ArgumentException(
                $"Demonstrations.Collect: actionNoise must be finite and non-negative, got {actionNoise}.",
                nameof(actionNoise));
    }

    private static SafeTensor Required(IReadOnlyDictionary<string, SafeTensor> tensors, string name,
        SafeTensorDType dtype, int rank)
    {
        Check(tensors.TryGetValue(name, out var tensor), $"tensor '{name}' is missing");
        Check(tensor!.DType == dtype && tensor.Shape.Length == rank,
            $"tensor '{name}' must be {dtype} of rank {rank}, got {tensor.DType} [{string.Join(", ", tensor.Shape)}]");
        return tensor;
    }

    private static void CheckPart(SafeTensor tensor, SafeTensorDType dtype, int rank, long steps)
    {
        Check(tensor.DType == dtype && tensor.Shape.Length == rank && tensor.Shape[0] == steps
            && tensor.Shape.All(d => d > 0),
            $"tensor '{tensor.Name}' must be {dtype} of rank {rank} with {steps} rows, got {tensor.DType} ["
            + $"{string.Join(", ", tensor.Shape)}]");
    }

    // Per-element checks format their message only on failure (a loop of formatted messages would allocate per value).
    private static void Check(bool condition, string message)
    {
        if (!condition) throw Invalid(message);
    }

    private static InvalidDataException Invalid(string message) => new($"demonstrations: {message}.");

    // Typed copy of a float tensor, refused when a value is not finite or beyond MaxMagnitude.
    private static float[] Floats(SafeTensor tensor)
    {
        var values = MemoryMarshal.Cast<byte, float>(tensor.Data).ToArray();
        for (int i = 0; i < values.Length; i++)
            if (!(Math.Abs(values[i]) <= MaxMagnitude))
                throw Invalid($"tensor '{tensor.Name}' element {i} = {values[i]} is not a finite value within ±"
                    + $"{MaxMagnitude:G}");
        return values;
    }

    private static byte[] Bytes<T>(T[] values) where T : unmanaged => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}

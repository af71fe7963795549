namespace Qail.Envs;

public sealed partial class Demonstrations
{
    /// <summary>
    /// Demonstrations from a user's own arrays (a robot's logs, another library's dataset): row-major, one row per
    /// step, episodes as start offsets plus the total step count. Only actions and offsets are required; states,
    /// images (H x W x C bytes), instruction tokens and commands are optional; rewards and successes default to zero.
    /// The arrays are copied and checked (lengths, finite values, strictly increasing offsets); the executed actions
    /// are the labels (no DART noise). <paramref name="name"/> is recorded as the env name.
    /// </summary>
    /// <exception cref="ArgumentException">An array's length, an offset or a value is wrong; the message names
    /// it.</exception>
    public static Demonstrations FromArrays(string name, int actionSize, float[] actions, long[] episodeOffsets,
        int stateSize = 0, float[]? states = null, int[]? imageShape = null, byte[]? images = null,
        int instructionLength = 0, int[]? instructions = null, int[]? commands = null,
        float[]? rewards = null, byte[]? successes = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(episodeOffsets);
        if (actionSize < 1 || actions.Length == 0 || actions.Length % actionSize != 0)
            throw new ArgumentException($"FromArrays: {actions.Length} action values are not a positive multiple of "
                + $"actionSize {actionSize}.", nameof(actions));
        int steps = actions.Length / actionSize;
        CheckOffsets(episodeOffsets, steps);
        CheckFinite(actions, nameof(actions));
        CheckRows(states, stateSize, steps, nameof(states));
        if (states is not null) CheckFinite(states, nameof(states));
        if (imageShape is not null && (imageShape.Length != 3 || imageShape.Any(d => d < 1)))
            throw new ArgumentException(
                $"FromArrays: imageShape [{string.Join(", ", imageShape)}] must be [H, W, C], all positive.",
                nameof(imageShape));
        if ((images is null) != (imageShape is null))
            throw new ArgumentException("FromArrays: images and imageShape come together.", nameof(imageShape));
        CheckRows(images, imageShape is null ? 0 : imageShape[0] * imageShape[1] * imageShape[2], steps,
            nameof(images));
        CheckRows(instructions, instructionLength, steps, nameof(instructions));
        CheckRows(commands, commands is null ? 0 : 1, steps, nameof(commands));
        CheckRows(rewards, rewards is null ? 0 : 1, steps, nameof(rewards));
        if (rewards is not null) CheckFinite(rewards, nameof(rewards));
        int episodes = episodeOffsets.Length - 1;
        if (successes is not null && (successes.Length != episodes || successes.Any(s => s > 1)))
            throw new ArgumentException(
                $"FromArrays: successes needs {episodes} entries of 0 or 1, got {successes.Length}.",
                nameof(successes));
        return new Demonstrations(name, 0, 0, states is null ? 0 : stateSize, actionSize, imageShape?.ToArray(),
            instructions is null ? 0 : instructionLength, commands is not null, states?.ToArray(), images?.ToArray(),
            instructions?.ToArray(), commands?.ToArray(), actions.ToArray(), actions.ToArray(),
            rewards?.ToArray() ?? new float[steps], episodeOffsets.ToArray(),
            successes?.ToArray() ?? new byte[episodes]);
    }

    /// <summary>The smallest box holding every action label: per-dimension minimum and maximum.</summary>
    public ActionSpace ObservedActionSpace()
    {
        var low = Enumerable.Repeat(float.PositiveInfinity, ActionSize).ToArray();
        var high = Enumerable.Repeat(float.NegativeInfinity, ActionSize).ToArray();
        for (int i = 0; i < Actions.Length; i++)
        {
            int d = i % ActionSize;
            low[d] = Math.Min(low[d], Actions[i]);
            high[d] = Math.Max(high[d], Actions[i]);
        }
        return new ActionSpace(low, high);
    }

    private static void CheckOffsets(long[] offsets, int steps)
    {
        if (offsets.Length < 2 || offsets[0] != 0 || offsets[^1] != steps)
            throw new ArgumentException(
                $"FromArrays: episodeOffsets must run from 0 to the {steps} steps (one more entry than episodes).",
                nameof(offsets));
        for (int i = 1; i < offsets.Length; i++)
            if (offsets[i] <= offsets[i - 1])
                throw new ArgumentException(
                    $"FromArrays: episodeOffsets must increase strictly; episode {i - 1} is empty or reversed.",
                    nameof(offsets));
    }

    private static void CheckRows<T>(T[]? values, int width, int steps, string what)
    {
        if (values is null) return;
        if (width < 1 || values.LongLength != (long)width * steps)
            throw new ArgumentException($"FromArrays: {what} has {values.Length} values; {steps} steps of width "
                + $"{width} need {(long)width * steps}.", what);
    }

    private static void CheckFinite(float[] values, string what)
    {
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"FromArrays: {what}[{bad}] is {values[bad]}; values must be finite.", what);
    }
}

namespace Qail.Envs;

public sealed partial class Demonstrations
{
    /// <summary>
    /// DAgger's data: <paramref name="episodes"/> episodes driven by a learner, every state it visits labelled by the
    /// expert. Episode i resets with the seed <see cref="EpisodeSeed"/>(<paramref name="seed"/>,
    /// <paramref name="firstIndex"/> + i), so the episodes continue a collection's seed stream past its own
    /// episodes. The executed actions are the learner's (exactly as a closed-loop evaluation runs them), the labels
    /// the expert's, the rewards and successes the learner's. Episodes run in parallel, one env and one learner per
    /// worker (<paramref name="learnerFactory"/> is called once per worker: a learner need not be thread-safe).
    /// With a <paramref name="checkpoint"/> (indexed 0 to <paramref name="episodes"/> - 1), the episodes it keeps are
    /// reused and each missing one is stored there as it ends.
    /// </summary>
    public static Demonstrations CollectOnPolicy(Func<IEnv> envFactory, Func<IEnv, IExpert> expertFactory,
        Func<Func<Observation, float[]>> learnerFactory, int episodes, int seed, int firstIndex,
        int maxDegreeOfParallelism = -1, EpisodeCheckpoint? checkpoint = null)
    {
        ArgumentNullException.ThrowIfNull(envFactory);
        ArgumentNullException.ThrowIfNull(expertFactory);
        ArgumentNullException.ThrowIfNull(learnerFactory);
        CheckCounts(episodes, 0);
        if (firstIndex < 0)
            throw new ArgumentOutOfRangeException(nameof(firstIndex), firstIndex,
                "Demonstrations.CollectOnPolicy: the first episode index must be at least 0.");
        if (maxDegreeOfParallelism == 0 || maxDegreeOfParallelism < -1)
            throw new ArgumentException($"Demonstrations.CollectOnPolicy: maxDegreeOfParallelism "
                + $"{maxDegreeOfParallelism} must be -1 or positive.", nameof(maxDegreeOfParallelism));
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        if (checkpoint is not null)
            return Resume(checkpoint, episodes, options, () => (Env: envFactory(), Learner: learnerFactory()),
                (i, worker) => Assemble(worker.Env, [Record(worker.Env, expertFactory(worker.Env), firstIndex + i,
                    seed, 0, maxSteps: 0, worker.Learner)], seed, 0));
        var recorded = new Episode[episodes];
        Parallel.For(0, episodes, options, () => (Env: envFactory(), Learner: learnerFactory()), (i, _, worker) =>
        {
            recorded[i] = Record(worker.Env, expertFactory(worker.Env), firstIndex + i, seed, 0, maxSteps: 0,
                worker.Learner);
            return worker;
        }, _ => { });
        return Assemble(envFactory(), recorded, seed, 0);
    }

    /// <summary>
    /// The episodes of <paramref name="parts"/> in order, as one set (DAgger's aggregate). The parts must come from
    /// one env: same name, observation parts and action size. The set's seed and action noise are the first part's.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, or parts of different envs; the message names the
    /// part.</exception>
    public static Demonstrations Concat(IReadOnlyList<Demonstrations> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException("Demonstrations.Concat: no parts.", nameof(parts));
        var first = parts[0];
        for (int p = 1; p < parts.Count; p++)
        {
            var part = parts[p];
            if (part.EnvName != first.EnvName || part.StateSize != first.StateSize
                || part.ActionSize != first.ActionSize || part.InstructionLength != first.InstructionLength
                || part.HasCommand != first.HasCommand || (part.States is null) != (first.States is null)
                || !SameShape(part.ImageShape, first.ImageShape))
                throw new ArgumentException($"Demonstrations.Concat: part {p} ({part.EnvName}) does not have part 0's "
                    + $"({first.EnvName}) env, observation parts or action size.", nameof(parts));
        }
        long total = parts.Sum(p => (long)p.Steps);
        if (total > int.MaxValue / Math.Max(1, Math.Max(first.ActionSize, first.StateSize)))
            throw new ArgumentException($"Demonstrations.Concat: {total} steps are too many for one set.",
                nameof(parts));
        var offsets = new List<long> { 0 };
        long start = 0;
        foreach (var part in parts)
        {
            for (int e = 1; e < part.EpisodeOffsets.Length; e++) offsets.Add(start + part.EpisodeOffsets[e]);
            start += part.Steps;
        }
        return new Demonstrations(first.EnvName, first.Seed, first.ActionNoise, first.StateSize, first.ActionSize,
            first.ImageShape?.ToArray(), first.InstructionLength, first.HasCommand,
            Join(parts, p => p.States), Join(parts, p => p.Images), Join(parts, p => p.Instructions),
            Join(parts, p => p.Commands), Join(parts, p => p.Actions)!, Join(parts, p => p.ExecutedActions)!,
            Join(parts, p => p.Rewards)!, [.. offsets], Join(parts, p => p.Successes)!);
    }

    private static bool SameShape(int[]? a, int[]? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    // One field of every part, end to end (block copies: image sets run to gigabytes).
    private static T[]? Join<T>(IReadOnlyList<Demonstrations> parts, Func<Demonstrations, T[]?> field)
    {
        if (field(parts[0]) is null) return null;
        var joined = new T[parts.Sum(p => (long)field(p)!.Length)];
        long at = 0;
        foreach (var part in parts)
        {
            var values = field(part)!;
            Array.Copy(values, 0, joined, at, values.Length);
            at += values.Length;
        }
        return joined;
    }
}

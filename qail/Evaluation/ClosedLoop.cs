using Qail.Envs;
using Qail.Policies;

namespace Qail.Evaluation;

/// <summary>
/// Runs policies in closed loop: the policy's own actions decide the next state, so per-step errors compound
/// the way they do on the robot. Episode i uses env seed <c>seed + i</c> on its own env. A batch policy
/// (<see cref="IBatchPolicy"/>) steps the episodes in lockstep, one slice per worker, and acts on each slice's live
/// episodes as one batch per step; other policies run episode by episode in parallel. Episodes stay independent, so
/// results depend neither on the number of workers nor on the path.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Evaluates <paramref name="policy"/> on <paramref name="episodes"/> seeded episodes of the named env; with a
    /// <paramref name="reference"/> each outcome also carries the mean action error to it over every visited state.
    /// </summary>
    public static EvalResult Evaluate(string envName, IPolicy policy, int episodes, int seed, int? workers = null,
        IProgress<int>? progress = null,
        IPolicy? reference = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (episodes < 1)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Evaluate needs at least one episode.");
        Env.Lookup(envName);
        if (policy is IBatchPolicy && reference is null or IBatchPolicy)
            return new EvalResult(policy.Label, envName,
                Lockstep(envName, policy, reference, episodes, seed, workers, progress, states: null));
        var outcomes = new EpisodeOutcome[episodes];
        int done = 0;
        Parallel.For(0, episodes,
            new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount },
            () => (Env: Env.Lookup(envName).Create(), Policy: policy.Replicate(), Reference: reference?.Replicate()),
            (i, _, worker) =>
            {
                outcomes[i] = RunEpisode(worker.Env, worker.Policy, seed + (int)i, worker.Reference);
                progress?.Report(Interlocked.Increment(ref done));
                return worker;
            },
            // Replicas that hold resources (device arenas of a GpuPolicy) are released with their worker.
            worker =>
            {
                (worker.Policy as IDisposable)?.Dispose();
                (worker.Reference as IDisposable)?.Dispose();
            });
        return new EvalResult(policy.Label, envName, outcomes);
    }

    // Episodes in contiguous slices, one per worker; each slice's live episodes act as one batch per step. With
    // `states`, every `stride`-th observation of each episode is recorded there (by episode) instead of scoring.
    private static EpisodeOutcome[] Lockstep(string envName, IPolicy policy, IPolicy? reference, int episodes, int seed,
        int? workers,
        IProgress<int>? progress, (List<Observation>[] PerEpisode, int Stride)? states)
    {
        var registration = Env.Lookup(envName);
        int slices = Math.Clamp(workers ?? Environment.ProcessorCount, 1, episodes);
        var outcomes = new EpisodeOutcome[episodes];
        int done = 0;
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, slice =>
        {
            int from = (int)((long)episodes * slice / slices),
                count = (int)((long)episodes * (slice + 1) / slices) - from;
            var actor = BatchReplica(policy);
            var referee = reference is null ? null : BatchReplica(reference);
            try
            {
                var envs = new IEnv[count];
                var observations = new Observation[count];
                var (totals, errors, steps) = (new double[count], new double[count], new int[count]);
                for (int i = 0; i < count; i++)
                {
                    envs[i] = registration.Create();
                    observations[i] = envs[i].Reset(seed + from + i);
                }
                var live = Enumerable.Range(0, count).ToList();
                while (live.Count > 0)
                {
                    var batch = live.Select(i => observations[i]).ToArray();
                    var actions = actor.ActBatch(batch);
                    var expected = referee?.ActBatch(batch);
                    var next = new List<int>(live.Count);
                    for (int k = 0; k < live.Count; k++)
                    {
                        int i = live[k];
                        if (states is { } s && steps[i] % s.Stride == 0) s.PerEpisode[from + i].Add(observations[i]);
                        if (expected is not null) errors[i] += Distance(actions[k], expected[k]);
                        var result = envs[i].Step(actions[k]);
                        totals[i] += result.Reward;
                        steps[i]++;
                        if (!result.Done)
                        {
                            observations[i] = result.Observation;
                            next.Add(i);
                            continue;
                        }
                        outcomes[from + i] = new EpisodeOutcome(seed + from + i, totals[i], steps[i],
                            result.Info.Success, result.Info.Metrics,
                            expected is null ? double.NaN : errors[i] / steps[i]);
                        progress?.Report(Interlocked.Increment(ref done));
                    }
                    live = next;
                }
            }
            finally
            {
                // Replicas that hold resources (device arenas of a GpuPolicy) are released with their slice.
                (actor as IDisposable)?.Dispose();
                (referee as IDisposable)?.Dispose();
            }
        });
        return outcomes;
    }

    private static IBatchPolicy BatchReplica(IPolicy policy) => policy.Replicate() as IBatchPolicy
        ?? throw new InvalidOperationException(
            $"ClosedLoop: '{policy.Label}' acts in batches but its replica does not.");

    /// <summary>
    /// Runs one episode to termination or truncation, measuring the action error to <paramref name="reference"/> when
    /// given.
    /// </summary>
    public static EpisodeOutcome RunEpisode(IEnv env, IPolicy policy, int seed, IPolicy? reference = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(policy);
        var observation = env.Reset(seed);
        double total = 0, error = 0;
        int steps = 0;
        StepResult? last = null;
        while (last is null || !last.Done)
        {
            var action = policy.Act(observation);
            if (reference is not null) error += Distance(action, reference.Act(observation));
            last = env.Step(action);
            total += last.Reward;
            steps++;
            observation = last.Observation;
        }
        return new EpisodeOutcome(seed, total, steps, last.Info.Success, last.Info.Metrics,
            reference is null ? double.NaN : error / steps);
    }

    /// <summary>
    /// The expert's own closed-loop score on the same seeded episodes (its privileged controller reads the env state),
    /// the ceiling every table is read against.
    /// </summary>
    public static EvalResult EvaluateExpert(string envName, int episodes, int seed, int? workers = null)
    {
        if (episodes < 1)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes,
                "EvaluateExpert needs at least one episode.");
        var registration = Env.Lookup(envName);
        var outcomes = new EpisodeOutcome[episodes];
        Parallel.For(0, episodes,
            new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount },
            i => outcomes[i] = ExpertEpisode(registration, seed + i));
        return new EvalResult("expert", envName, outcomes);
    }

    /// <summary>One episode of the registered expert from env seed <paramref name="seed"/>.</summary>
    internal static EpisodeOutcome ExpertEpisode(EnvRegistration registration, int seed)
    {
        var env = registration.Create();
        var expert = registration.Expert(env);
        // MuJoCo envs and planners own native memory: freed here, not left to finalizers.
        using var ownedEnv = env as IDisposable;
        using var ownedExpert = expert as IDisposable;
        env.Reset(seed);
        double total = 0;
        int steps = 0;
        StepResult? last = null;
        while (last is null || !last.Done)
        {
            last = env.Step(expert.Act(env));
            total += last.Reward;
            steps++;
        }
        return new EpisodeOutcome(seed, total, steps, last.Info.Success, last.Info.Metrics);
    }

    /// <summary>
    /// The states <paramref name="policy"/> visits on the seeded episodes, every <paramref name="stride"/>-th step
    /// (the FP policy's own states, on which quantized policies' action error is measured without compounding).
    /// </summary>
    public static IReadOnlyList<Observation> VisitedStates(string envName, IPolicy policy, int episodes, int seed,
        int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var perEpisode = new List<Observation>[episodes];
        if (policy is IBatchPolicy)
        {
            for (int i = 0; i < episodes; i++) perEpisode[i] = [];
            Lockstep(envName, policy, null, episodes, seed, null, null, (perEpisode, stride));
            return perEpisode.SelectMany(s => s).ToList();
        }
        Parallel.For(0, episodes, () => (Env: Env.Lookup(envName).Create(), Policy: policy.Replicate()),
            (i, _, worker) =>
        {
            var states = new List<Observation>();
            var observation = worker.Env.Reset(seed + (int)i);
            for (int step = 0; ; step++)
            {
                if (step % stride == 0) states.Add(observation);
                var result = worker.Env.Step(worker.Policy.Act(observation));
                if (result.Done) break;
                observation = result.Observation;
            }
            perEpisode[i] = states;
            return worker;
        }, worker => (worker.Policy as IDisposable)?.Dispose());
        return perEpisode.SelectMany(s => s).ToList();
    }

    /// <summary>Mean L2 distance between the two policies' actions over <paramref name="states"/>.</summary>
    public static double ActionError(IPolicy policy, IPolicy reference, IReadOnlyList<Observation> states)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(states);
        if (states.Count == 0) throw new ArgumentException("ActionError: no states given.", nameof(states));
        double sum = 0;
        if (policy is IBatchPolicy batched && reference is IBatchPolicy expected)
            for (int start = 0; start < states.Count; start += StateBatch)
            {
                var chunk = states.Skip(start).Take(StateBatch).ToArray();
                var (actions, labels) = (batched.ActBatch(chunk), expected.ActBatch(chunk));
                for (int i = 0; i < chunk.Length; i++) sum += Distance(actions[i], labels[i]);
            }
        else
            foreach (var state in states) sum += Distance(policy.Act(state), reference.Act(state));
        return sum / states.Count;
    }

    // States per batch when both policies act in batches.
    private const int StateBatch = 1024;

    private static double Distance(float[] action, float[] expected)
    {
        double sum = 0;
        for (int i = 0; i < action.Length; i++) sum += (action[i] - expected[i]) * (double)(action[i] - expected[i]);
        return Math.Sqrt(sum);
    }
}

using Qail.Envs;
using Qail.Policies;

namespace Qail.Evaluation;

/// <summary>
/// Runs policies in closed loop: the policy's own actions decide the next state, so per-step errors compound
/// the way they do on the robot. Episodes run in parallel, each on its own env and policy replica; episode i
/// uses env seed <c>seed + i</c>, so results do not depend on the number of workers.
/// </summary>
public static class ClosedLoop
{
    /// <summary>
    /// Evaluates <paramref name="policy"/> on <paramref name="episodes"/> seeded episodes of the named env; with a
    /// <paramref name="reference"/> each outcome also carries the mean action error to it over every visited state.
    /// </summary>
    public static EvalResult Evaluate(string envName, IPolicy policy, int episodes, int seed, int? workers = null, IProgress<int>? progress = null,
        IPolicy? reference = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Evaluate needs at least one episode.");
        Env.Lookup(envName);
        var outcomes = new EpisodeOutcome[episodes];
        int done = 0;
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount },
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

    /// <summary>Runs one episode to termination or truncation, measuring the action error to <paramref name="reference"/> when given.</summary>
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
        return new EpisodeOutcome(seed, total, steps, last.Info.Success, last.Info.Metrics, reference is null ? double.NaN : error / steps);
    }

    /// <summary>
    /// The expert's own closed-loop score on the same seeded episodes (its privileged controller reads the env state),
    /// the ceiling every table is read against.
    /// </summary>
    public static EvalResult EvaluateExpert(string envName, int episodes, int seed, int? workers = null)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "EvaluateExpert needs at least one episode.");
        var registration = Env.Lookup(envName);
        var outcomes = new EpisodeOutcome[episodes];
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount }, i =>
        {
            var env = registration.Create();
            var expert = registration.Expert(env);
            env.Reset(seed + i);
            double total = 0;
            int steps = 0;
            StepResult? last = null;
            while (last is null || !last.Done)
            {
                last = env.Step(expert.Act(env));
                total += last.Reward;
                steps++;
            }
            outcomes[i] = new EpisodeOutcome(seed + i, total, steps, last.Info.Success, last.Info.Metrics);
        });
        return new EvalResult("expert", envName, outcomes);
    }

    /// <summary>
    /// The states <paramref name="policy"/> visits on the seeded episodes, every <paramref name="stride"/>-th step
    /// (the FP policy's own states, on which quantized policies' action error is measured without compounding).
    /// </summary>
    public static IReadOnlyList<Observation> VisitedStates(string envName, IPolicy policy, int episodes, int seed, int stride = 1)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        var perEpisode = new List<Observation>[episodes];
        Parallel.For(0, episodes, () => (Env: Env.Lookup(envName).Create(), Policy: policy.Replicate()), (i, _, worker) =>
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
        foreach (var state in states) sum += Distance(policy.Act(state), reference.Act(state));
        return sum / states.Count;
    }

    private static double Distance(float[] action, float[] expected)
    {
        double sum = 0;
        for (int i = 0; i < action.Length; i++) sum += (action[i] - expected[i]) * (double)(action[i] - expected[i]);
        return Math.Sqrt(sum);
    }
}

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
    /// <summary>Evaluates <paramref name="policy"/> on <paramref name="episodes"/> seeded episodes of the named env.</summary>
    public static EvalResult Evaluate(string envName, IPolicy policy, int episodes, int seed, int? workers = null, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Evaluate needs at least one episode.");
        Env.Lookup(envName);
        var outcomes = new EpisodeOutcome[episodes];
        int done = 0;
        Parallel.For(0, episodes, new ParallelOptions { MaxDegreeOfParallelism = workers ?? Environment.ProcessorCount },
            () => (Env: Env.Lookup(envName).Create(), Policy: policy.Replicate()),
            (i, _, worker) =>
            {
                outcomes[i] = RunEpisode(worker.Env, worker.Policy, seed + (int)i);
                progress?.Report(Interlocked.Increment(ref done));
                return worker;
            },
            // Replicas that hold resources (device arenas of a GpuPolicy) are released with their worker.
            worker => (worker.Policy as IDisposable)?.Dispose());
        return new EvalResult(policy.Label, envName, outcomes);
    }

    /// <summary>Runs one episode to termination or truncation.</summary>
    public static EpisodeOutcome RunEpisode(IEnv env, IPolicy policy, int seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(policy);
        var observation = env.Reset(seed);
        double total = 0;
        int steps = 0;
        StepResult? last = null;
        while (last is null || !last.Done)
        {
            last = env.Step(policy.Act(observation));
            total += last.Reward;
            steps++;
            observation = last.Observation;
        }
        return new EpisodeOutcome(seed, total, steps, last.Info.Success, last.Info.Metrics);
    }

    /// <summary>
    /// Per-step action discrepancy along the episode <paramref name="policy"/> drives: at each visited state,
    /// the L2 distance between its action and <paramref name="reference"/>'s (the papers' error-spike figure).
    /// </summary>
    public static double[] ActionDiscrepancy(IEnv env, IPolicy policy, IPolicy reference, int seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        var observation = env.Reset(seed);
        var distances = new List<double>();
        while (true)
        {
            var action = policy.Act(observation);
            var expected = reference.Act(observation);
            double sum = 0;
            for (int i = 0; i < action.Length; i++) sum += (action[i] - expected[i]) * (double)(action[i] - expected[i]);
            distances.Add(Math.Sqrt(sum));
            var step = env.Step(action);
            if (step.Done) return distances.ToArray();
            observation = step.Observation;
        }
    }
}

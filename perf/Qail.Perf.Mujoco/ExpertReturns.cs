using System.Diagnostics;
using System.Globalization;
using Qail.Envs;
using Qail.Envs.MuJoCo;

namespace Qail.Perf.Mujoco;

/// <summary>
/// Each MuJoCo task's planner expert on held-out test seeds: episode return (mean, with a percentile-bootstrap 95%
/// interval from three episodes on) and wall time per control step.
/// </summary>
internal static class ExpertReturns
{
    private const int Resamples = 4000;

    public static void Run(string task, int[] seeds, int steps, PlannerSettings? settings)
    {
        var returns = new List<double>();
        var clock = Stopwatch.StartNew();
        foreach (int seed in seeds)
        {
            var env = Env.Make(task, seed);
            var expert = settings is null ? Expert.For(env) : new PredictiveSamplingExpert((MujocoEnv)env, settings);
            double total = 0;
            for (int t = 0; t < steps; t++) total += env.Step(expert.Act(env)).Reward;
            returns.Add(total);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{task} seed {seed}: return {total:F1} over {steps} steps, {clock.Elapsed.TotalSeconds:F0} s so far"));
        }
        double mean = returns.Average();
        string interval = returns.Count >= 3 ? BootstrapInterval(returns) : "n/a (< 3 episodes)";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {task} | {settings ?? MujocoTasks.ExpertSettings(task)} | {seeds.Length} | {steps} | {mean:F1} | " +
            $"{interval} | {clock.Elapsed.TotalSeconds / (seeds.Length * steps):F3} s |"));
    }

    // Percentile bootstrap of the mean over episodes, seeded so the printed interval replays.
    private static string BootstrapInterval(List<double> returns)
    {
        var rng = new SplitMix64(1);
        var means = new double[Resamples];
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < returns.Count; i++) sum += returns[rng.NextInt(returns.Count)];
            means[r] = sum / returns.Count;
        }
        Array.Sort(means);
        double low = means[(int)(0.025 * (Resamples - 1))], high = means[(int)Math.Ceiling(0.975 * (Resamples - 1))];
        return string.Create(CultureInfo.InvariantCulture, $"[{low:F1}, {high:F1}]");
    }
}

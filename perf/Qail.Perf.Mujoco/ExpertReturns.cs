using System.Diagnostics;
using System.Globalization;
using Qail.Envs;
using Qail.Envs.MuJoCo;

namespace Qail.Perf.Mujoco;

/// <summary>
/// Each MuJoCo task's planner expert on held-out test seeds: episode return and wall time per control step.
/// </summary>
internal static class ExpertReturns
{
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
                $"{task} seed {seed}: return {total:F1} over {steps} steps"));
        }
        double mean = returns.Average();
        double sd = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / Math.Max(1, returns.Count - 1));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {task} | {settings ?? MujocoTasks.ExpertSettings(task)} | {seeds.Length} | {steps} | {mean:F1} | " +
            $"{sd:F1} | {clock.Elapsed.TotalMilliseconds / (seeds.Length * steps):F1} ms |"));
    }
}

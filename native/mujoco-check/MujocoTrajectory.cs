using System.Globalization;
using Qail.Envs;
using Qail.Envs.MuJoCo;

namespace Qail.Native.MujocoCheck;

/// <summary>
/// One seeded episode of a MuJoCo task under a fixed open-loop action sequence: the per-step rewards and the final
/// qpos. The actions are exact in float (a triangle wave of small integers), so every machine feeds MuJoCo the same
/// controls and the trajectories differ only by the floating-point arithmetic of each build of the library.
/// </summary>
public sealed record MujocoTrajectory(string Task, double[] Rewards, double[] FinalQpos)
{
    /// <summary>The tasks the check runs: an articulated body with contacts and the cart-pole cross-check.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["walker-stand", "cartpole-balance-mujoco"];

    /// <summary>Reset seed of every run.</summary>
    public const int Seed = 100;

    /// <summary>
    /// Runs <paramref name="steps"/> control steps of <paramref name="task"/> from <see cref="Seed"/>.
    /// </summary>
    public static MujocoTrajectory Run(string task, int steps)
    {
        var env = (MujocoEnv)Env.Lookup(task).Create();
        try
        {
            env.Reset(Seed);
            var low = env.Spec.Action.Low;
            var high = env.Spec.Action.High;
            var action = new float[low.Length];
            var rewards = new double[steps];
            for (int t = 0; t < steps; t++)
            {
                for (int j = 0; j < action.Length; j++)
                    action[j] = low[j] + (high[j] - low[j]) * Wave(t, j);
                rewards[t] = env.Step(action).Reward;
            }
            return new MujocoTrajectory(task, rewards, env.Data.Qpos.ToArray());
        }
        finally
        {
            env.Dispose();
        }
    }

    /// <summary>Fraction in [0, 1] of the action range for actuator <paramref name="j"/> at step <paramref name="t"/>:
    /// a triangle wave with period 20 steps, shifted per actuator (multiples of 1/10, exact in float).</summary>
    public static float Wave(int t, int j)
    {
        int phase = (t + 7 * j) % 20;
        return (phase < 10 ? phase : 20 - phase) / 10f;
    }

    /// <summary>Two lines, "TASK reward r0 r1 ..." and "TASK qpos q0 q1 ...", with round-trip decimals.</summary>
    public string Format() =>
        $"{Task} reward {Join(Rewards)}\n{Task} qpos {Join(FinalQpos)}";

    /// <summary>Reads what <see cref="Format"/> wrote for every task found in <paramref name="output"/>.</summary>
    public static Dictionary<string, MujocoTrajectory> Parse(string output)
    {
        var rewards = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var qpos = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length < 2 || fields[1] is not ("reward" or "qpos")) continue;
            var values = fields[2..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            (fields[1] == "reward" ? rewards : qpos)[fields[0]] = values;
        }
        return rewards.Keys.Where(qpos.ContainsKey)
            .ToDictionary(task => task, task => new MujocoTrajectory(task, rewards[task], qpos[task]),
                StringComparer.Ordinal);
    }

    private static string Join(double[] values) =>
        string.Join(' ', values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
}

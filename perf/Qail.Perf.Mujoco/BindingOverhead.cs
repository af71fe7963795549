using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Qail.Envs.MuJoCo;

namespace Qail.Perf.Mujoco;

/// <summary>
/// Physics steps per second through our binding against MuJoCo's own <c>mujoco-testspeed</c> on the same model file,
/// same step count and the same control noise (testspeed's Halton sequence at 1% of each ctrlrange). The two run
/// alternately, several rounds; the best round of each is compared.
/// </summary>
internal static partial class BindingOverhead
{
    public static void Run(int steps, int rounds)
    {
        Console.WriteLine($"{steps} steps per run, best of {rounds} rounds, 1 thread");
        Console.WriteLine("| model | mujoco-testspeed steps/s | Qail binding steps/s | overhead |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var (name, path) in Models())
        {
            double peer = 0, ours = 0;
            for (int r = 0; r < rounds; r++)
            {
                peer = Math.Max(peer, TestSpeed(path, steps));
                ours = Math.Max(ours, Binding(path, steps));
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {peer:N0} | {ours:N0} | {100 * (peer / ours - 1):F1}% |"));
        }
    }

    private static IEnumerable<(string Name, string Path)> Models()
    {
        foreach (var name in new[] { "walker", "hopper", "cheetah", "finger", "cartpole" })
        {
            string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"qail-perf-{name}.xml");
            File.WriteAllText(path, MujocoModels.Xml(name));
            yield return (name, path);
        }
        if (File.Exists(MujocoModels.HumanoidPath)) yield return ("humanoid", MujocoModels.HumanoidPath);
    }

    private static double Binding(string path, int steps)
    {
        using var model = MujocoModel.FromFile(path);
        using var data = new MujocoData(model);
        var range = model.ActuatorControlRange.ToArray();
        var ctrl = new double[model.Nu];
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++)
        {
            for (int j = 0; j < ctrl.Length; j++)
            {
                double centre = (range[2 * j + 1] + range[2 * j]) / 2;
                double radius = (range[2 * j + 1] - range[2 * j]) / 2 * 0.01;
                ctrl[j] = centre + radius * (2 * Halton(i, j + 2) - 1);
            }
            ctrl.CopyTo(data.Ctrl);
            data.Step();
        }
        return steps / clock.Elapsed.TotalSeconds;
    }

    private static double TestSpeed(string path, int steps)
    {
        string count = steps.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("mujoco-testspeed", [path, count, "1", "0.01"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("mujoco-testspeed did not start.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var match = StepsPerSecond().Match(output);
        if (!match.Success)
            throw new InvalidOperationException($"mujoco-testspeed printed no steps per second: {output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    // mju_Halton: the radical inverse of index in the given base.
    private static double Halton(int index, int radix)
    {
        double f = 1, r = 0;
        for (int i = index; i > 0; i /= radix)
        {
            f /= radix;
            r += f * (i % radix);
        }
        return r;
    }

    [GeneratedRegex(@"Steps per second\s*:\s*([0-9.]+)")]
    private static partial Regex StepsPerSecond();
}

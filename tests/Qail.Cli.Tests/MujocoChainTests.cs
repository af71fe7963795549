using System.Globalization;
using System.Text.RegularExpressions;
using Qail.Envs.MuJoCo;

namespace Qail.Cli.Tests;

/// <summary>
/// The file-based commands on a MuJoCo env (walker-stand, predictive-sampling expert): collect (10-step episodes, as a
/// full planner episode takes minutes; cached by recipe) -> train -> quantize -> eval -> render of the policy and of
/// the expert. Skips, saying what to install, where the MuJoCo library is missing.
/// </summary>
public sealed partial class MujocoChainTests : IDisposable
{
    private const string Env = "walker-stand";
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-cli-mujoco-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public void CollectTrainQuantizeEvalRender_RunOnWalkerStand()
    {
        Skip.IfNot(Mujoco.IsAvailable, Mujoco.UnavailableReason);
        string demos = In("demos.safetensors"), fp = In("fp.safetensors"), w4 = In("w4.safetensors"),
            cache = In("cache");
        string[] collect = ["collect", "--env", Env, "--episodes", "2", "--steps", "10", "--seed", "3", "--cache",
            cache];
        var collected = QailRun.Of([.. collect, "--out", demos]).Succeeded();
        Assert.Contains("collected, cached", collected.Output);
        // 2 episodes of 10 steps; the expert's mean return over them is printed (walker rewards lie in [0, 1]).
        var row = CollectRow().Match(collected.Output);
        Assert.True(row.Success, collected.Output);
        Assert.Equal("20", row.Groups[1].Value);
        Assert.InRange(double.Parse(row.Groups[2].Value, CultureInfo.InvariantCulture), 0, 10);
        var again = QailRun.Of([.. collect, "--out", In("again.safetensors")]).Succeeded();
        Assert.Contains("cache hit", again.Output);
        Assert.Equal(File.ReadAllBytes(demos), File.ReadAllBytes(In("again.safetensors")));

        QailRun.Of("train", "--demos", demos, "--hidden", "16,16", "--epochs", "1", "--seed", "3", "--out", fp)
            .Succeeded();
        QailRun.Of("quantize", "--policy", fp, "--demos", demos, "--method", "qail", "--bits", "4", "--granularity",
            "PerGroup", "--group-size", "8", "--epochs", "1", "--seed", "3", "--out", w4).Succeeded();
        foreach (var policy in new[] { fp, w4 })
        {
            var eval = QailRun.Of("eval", "--policy", policy, "--env", Env, "--episodes", "2", "--seed", "7")
                .Succeeded();
            var match = ReturnCell().Match(eval.Output);
            Assert.True(match.Success, eval.Output);
            Assert.InRange(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 0, 1000);
            Assert.Contains(Env, eval.Output);
        }

        string policyGif = In("policy.gif"), strip = In("strip.png"), expertGif = In("expert.gif");
        QailRun.Of("render", "--policy", w4, "--env", Env, "--frame-every", "100", "--strip-frames", "4",
            "--out", policyGif, "--strip", strip).Succeeded();
        var expert = QailRun.Of("render", "--env", Env, "--steps", "3", "--frame-every", "1", "--out", expertGif)
            .Succeeded();
        Assert.Contains("4 frames", expert.Output); // after reset and after each of the 3 steps
        foreach (var gif in new[] { policyGif, expertGif })
            Assert.Equal("GIF89a"u8.ToArray(), File.ReadAllBytes(gif)[..6]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(strip)[..4]);
    }

    private string In(string name) => Path.Combine(_folder, name);

    // "│ walker-stand │ 2 │ 20 │ 8.7 │ ...": the steps and the expert's mean return.
    [GeneratedRegex(@"walker-stand\s*│\s*2\s*│\s*(\d+)\s*│\s*(-?\d+(?:\.\d+)?)\s*│")]
    private static partial Regex CollectRow();

    [GeneratedRegex(@"(-?\d+(?:\.\d+)?) ± ")]
    private static partial Regex ReturnCell();
}

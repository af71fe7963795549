using System.Globalization;
using System.Text.RegularExpressions;

namespace Qail.Cli.Tests;

/// <summary>
/// The file-based commands chained on each other's files: collect -> train -> quantize -> eval -> bench -> render.
/// </summary>
public sealed partial class ChainTests(TinyChain chain) : IClassFixture<TinyChain>
{
    [Fact]
    public void CollectTrainQuantize_WriteTheirFilesAndTables()
    {
        chain.Collect.Succeeded();
        Assert.Contains(TinyChain.Env, chain.Collect.Output);
        Assert.True(new FileInfo(chain.Demos).Length > 0);
        chain.Train.Succeeded();
        Assert.Contains("mlp", chain.Train.Output);
        Assert.Contains("epoch 1/1", chain.Train.Output);
        Assert.True(File.Exists(chain.FullPrecision));
        chain.Quantize.Succeeded();
        Assert.Contains("QAIL+QBC W4g8", chain.Quantize.Output);
        Assert.True(File.Exists(chain.Deployed));
    }

    [Fact]
    public void Train_WithDagger_KeepsTheBestRoundAndWritesItsData()
    {
        string fp = Path.Combine(chain.Folder, "dagger-fp.safetensors");
        string data = Path.Combine(chain.Folder, "dagger-data.safetensors");
        var run = QailRun.Of("train", "--demos", chain.Demos, "--hidden", "16,16", "--epochs", "2", "--seed", "3",
            "--dagger-rounds", "1", "--dagger-episodes", "1", "--validation-episodes", "1", "--dagger-data", data,
            "--out", fp).Succeeded();
        Assert.Matches(@"DAgger round 0: trained on 2 episodes, \d+ steps, kept epoch", run.Output);
        Assert.Contains("DAgger round 1: previous teacher's new episodes returned", run.Output);
        var kept = Regex.Match(run.Output, @"kept DAgger round ([01]) of 1 \(([23]) episodes\)");
        Assert.True(kept.Success, run.Output);
        Assert.Equal(kept.Groups[2].Value, Qail.Envs.Demonstrations.Load(data).Episodes.ToString(
            CultureInfo.InvariantCulture));
        Assert.True(File.Exists(fp));
        QailRun.Of("eval", "--policy", fp, "--episodes", "1").Succeeded();
        QailRun.Of("train", "--demos", chain.Demos, "--dagger-rounds", "5", "--out", fp)
            .FailedWith("DAgger: 5 rounds of 10 episodes outgrow the 2 demonstrations");
    }

    [Fact]
    public void Eval_ScoresCheckpointAndDeployedPolicy()
    {
        var fp = QailRun.Of("eval", "--policy", chain.FullPrecision, "--episodes", "2", "--seed", "7").Succeeded();
        var w4 = QailRun.Of("eval", "--policy", chain.Deployed, "--env", TinyChain.Env, "--episodes", "2", "--seed",
            "7").Succeeded();
        foreach (var run in new[] { fp, w4 })
        {
            // cartpole-balance rewards lie in [0, 1] per step over at most 1000 steps.
            var match = ReturnCell().Match(run.Output);
            Assert.True(match.Success, run.Output);
            double mean = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(mean, 0, 1000);
        }
        Assert.Contains("FP32", fp.Output);
        Assert.Contains("W4g8", w4.Output);
    }

    [Fact]
    public void Bench_TimesBothPoliciesRelativeToTheFirst()
    {
        var run = QailRun.Of("bench", "--policy", chain.FullPrecision, "--policy", chain.Deployed, "--iterations", "50")
            .Succeeded();
        var speedUps = SpeedUpCell().Matches(run.Output).Select(m => double.Parse(m.Groups[1].Value,
            CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(2, speedUps.Count);
        Assert.Equal(1.0, speedUps[0]);
        Assert.True(speedUps[1] > 0);
    }

    [SkippableFact]
    public void DeviceRuns_BenchAndEvalTheDeployedPolicyOnOpenCl()
    {
        Skip.If(Qail.Kernels.Cuda.ComputeDevices.TryGet("opencl", out var reason) is null,
            $"OpenCL unavailable: {reason}");
        var bench = QailRun.Of("bench", "--policy", chain.Deployed, "--policy", chain.FullPrecision, "--env",
            TinyChain.Env, "--iterations", "20", "--device", "opencl").Succeeded();
        Assert.Equal(2, SpeedUpCell().Matches(bench.Output).Count);
        Assert.Contains("OpenCL", bench.Output);
        string[] eval = ["eval", "--policy", chain.Deployed, "--env", TinyChain.Env, "--episodes", "2", "--seed", "7"];
        var cpu = QailRun.Of(eval).Succeeded();
        var device = QailRun.Of([.. eval, "--device", "opencl"]).Succeeded();
        Assert.Contains("OpenCL", device.Output);
        // The W4 policy's device actions differ from the CPU's by float rounding only (GpuPolicyTests): the same
        // episodes.
        Assert.Equal(ReturnCell().Match(cpu.Output).Value, ReturnCell().Match(device.Output).Value);
    }

    [SkippableFact]
    public void DeviceRuns_AMissingDeviceIsAnErrorNamingWhy()
    {
        Skip.If(Qail.Kernels.Cuda.ComputeDevices.TryGet("cuda", out _) is not null, "this machine has a CUDA device");
        QailRun.Of("bench", "--policy", chain.Deployed, "--env", TinyChain.Env, "--device", "cuda")
            .FailedWith("--device cuda", "no usable device");
        // "gpu" never means an OpenCL implementation on the CPU (PoCL in CI), even where that is the only device.
        if (Qail.Kernels.Cuda.ComputeDevices.TryGet("gpu", out _) is null)
            QailRun.Of("bench", "--policy", chain.Deployed, "--env", TinyChain.Env, "--device", "gpu")
                .FailedWith("--device gpu", "no usable device");
        Assert.NotEqual(0,
            QailRun.Of("eval", "--policy", chain.Deployed, "--env", TinyChain.Env, "--device", "tpu").ExitCode);
    }

    [Fact]
    public void Render_WritesGifAndPngForExpertAndPolicy()
    {
        string expertGif = Path.Combine(chain.Folder, "expert.gif"),
            policyGif = Path.Combine(chain.Folder, "policy.gif"), strip = Path.Combine(chain.Folder, "strip.png");
        QailRun.Of("render", "--env", TinyChain.Env, "--seed", "1", "--frame-every", "50", "--out", expertGif)
            .Succeeded();
        QailRun.Of("render", "--policy", chain.Deployed, "--env", TinyChain.Env, "--frame-every", "50",
            "--strip-frames", "4", "--out", policyGif, "--strip", strip).Succeeded();
        foreach (var gif in new[] { expertGif, policyGif })
            Assert.Equal("GIF89a"u8.ToArray(), File.ReadAllBytes(gif)[..6]);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(strip)[..4]);
    }

    [Fact]
    public void Envs_ListsEveryRegisteredEnv()
    {
        var run = QailRun.Of("envs").Succeeded();
        foreach (var name in Qail.Envs.Env.Names) Assert.Contains(name, run.Output);
    }

    [GeneratedRegex(@"(-?\d+(?:\.\d+)?) ± ")]
    private static partial Regex ReturnCell();

    [GeneratedRegex(@"(\d+\.\d+)x")]
    private static partial Regex SpeedUpCell();
}

using BenchmarkDotNet.Attributes;
using Qail.Envs;
using Qail.Envs.Rendering;

namespace Qail.Perf.Envs;

/// <summary>
/// Physics-control throughput: raw steps, steps driven by the expert, and rendered + PNG-encoded frames.
/// </summary>
[MemoryDiagnoser]
public class PhysicsBenchmarks
{
    private const int Steps = 1000;
    private IEnv _env = null!;
    private IExpert _expert = null!;
    private float[][] _actions = null!;

    /// <summary>Registry name of the env under test.</summary>
    [Params("cartpole-balance", "cartpole-swingup", "pendulum-swingup", "acrobot-swingup", "reacher-easy",
        "reacher-hard", "point-mass")]
    public string Env { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = Qail.Envs.Env.Make(Env, 0);
        _expert = Expert.For(_env);
        var rng = new SplitMix64(1);
        _actions = Enumerable.Range(0, Steps)
            .Select(_ => Enumerable.Range(0, _env.Spec.Action.Size).Select(_ => (float)rng.Uniform(-1, 1)).ToArray())
                .ToArray();
    }

    /// <summary>One 1000-step episode of random actions (env.Step only).</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public double Step()
    {
        _env.Reset(7);
        double total = 0;
        for (int t = 0; t < Steps; t++) total += _env.Step(_actions[t]).Reward;
        return total;
    }

    /// <summary>
    /// Expert-driven steps (Act + Step): the rate of demonstration collection per core. 100 steps per invocation.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 100)]
    public double ExpertStep()
    {
        _env.Reset(7);
        double total = 0;
        for (int t = 0; t < 100; t++) total += _env.Step(_expert.Act(_env)).Reward;
        return total;
    }

    /// <summary>
    /// Step + render + PNG encode, as when recording a video of the episode. 50 steps per invocation.
    /// </summary>
    [Benchmark(OperationsPerInvoke = 50)]
    public int StepRenderPng()
    {
        _env.Reset(7);
        int bytes = 0;
        for (int t = 0; t < 50; t++)
        {
            _env.Step(_actions[t]);
            bytes += PngWriter.Encode(_env.Render()).Length;
        }
        return bytes;
    }
}

using BenchmarkDotNet.Attributes;
using Qail.Envs;

namespace Qail.Perf.Envs.Manipulation;

/// <summary>
/// Tabletop manipulation throughput. Every step renders the 64x64 RGB camera observation, so these are steps per
/// second with image rendering; <see cref="Render"/> times the 256x256 frame for people.
/// </summary>
[MemoryDiagnoser]
public class ManipulationBenchmarks
{
    private const int Steps = 500;
    private IEnv _env = null!;
    private IExpert _expert = null!;
    private float[][] _actions = null!;

    /// <summary>Registry name of the suite under test.</summary>
    [Params("libero-spatial", "libero-object", "libero-goal", "libero-long")]
    public string Env { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = Qail.Envs.Env.Make(Env, 0);
        _expert = Expert.For(_env);
        var rng = new SplitMix64(1);
        var low = _env.Spec.Action.Low;
        var high = _env.Spec.Action.High;
        _actions = Enumerable.Range(0, Steps)
            .Select(_ => Enumerable.Range(0, low.Length).Select(d => (float)rng.Uniform(low[d], high[d])).ToArray())
                .ToArray();
    }

    /// <summary>
    /// 500 steps of random actions (env.Step with the image observation), resetting when an episode ends.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int Step()
    {
        _env.Reset(7);
        int episodes = 0;
        for (int t = 0; t < Steps; t++)
            if (_env.Step(_actions[t]).Done) _env.Reset(7 + ++episodes);
        return episodes;
    }

    /// <summary>500 expert-driven steps (Act + Step): the rate of demonstration collection per core.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int ExpertStep()
    {
        _env.Reset(7);
        int episodes = 0;
        for (int t = 0; t < Steps; t++)
            if (_env.Step(_expert.Act(_env)).Done) _env.Reset(7 + ++episodes);
        return episodes;
    }

    /// <summary>One 256x256 frame for people (Render), per operation.</summary>
    [Benchmark(OperationsPerInvoke = 20)]
    public int Render()
    {
        int bytes = 0;
        for (int i = 0; i < 20; i++) bytes += _env.Render().Pixels.Length;
        return bytes;
    }
}

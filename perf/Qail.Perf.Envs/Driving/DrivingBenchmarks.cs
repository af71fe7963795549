using BenchmarkDotNet.Attributes;
using Qail.Envs;

namespace Qail.Perf.Envs.Driving;

/// <summary>
/// NoCrash-style driving throughput. Every step simulates the traffic and renders the 64x64x5 bird's-eye observation
/// (with the weather's noise), so these are steps per second with observation rendering; <see cref="Render"/> times
/// the whole-town frame for people.
/// </summary>
[MemoryDiagnoser]
public class DrivingBenchmarks
{
    private const int Steps = 500;
    private IEnv _env = null!;
    private IExpert _expert = null!;

    /// <summary>Registry name of the condition under test (traffic density is the main cost).</summary>
    [Params("driving-nocrash-tt-empty", "driving-nocrash-tt", "driving-nocrash-tt-dense", "driving-nocrash-nn-dense")]
    public string Env { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _env = Qail.Envs.Env.Make(Env, 0);
        _expert = Expert.For(_env);
    }

    /// <summary>
    /// 500 expert-driven steps (Act + Step), resetting when an episode ends: the rate of demonstration collection per
    /// core.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int ExpertStep()
    {
        _env.Reset(7);
        int episodes = 0;
        for (int t = 0; t < Steps; t++)
            if (_env.Step(_expert.Act(_env)).Done) _env.Reset(7 + ++episodes);
        return episodes;
    }

    /// <summary>50 steps of a constant gentle throttle (env.Step only), resetting when an episode ends.</summary>
    [Benchmark(OperationsPerInvoke = 50)]
    public int Step()
    {
        _env.Reset(7);
        int episodes = 0;
        for (int t = 0; t < 50; t++)
            if (_env.Step([0f, 0.3f, 0f]).Done) _env.Reset(7 + ++episodes);
        return episodes;
    }

    /// <summary>One whole-town RGB frame for people.</summary>
    [Benchmark]
    public int Render() => _env.Render().Pixels.Length;
}

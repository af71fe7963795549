using Qail.Envs;

namespace Qail.Tests.Policies;

/// <summary>
/// A registered env whose episodes are truncated after a few steps, so tests collect real observations cheaply.
/// </summary>
internal sealed class StepLimitedEnv(IEnv inner, int maxSteps) : IEnv
{
    private int _steps;

    public IEnv Inner { get; } = inner;

    public string Name => Inner.Name;

    public EnvSpec Spec => Inner.Spec;

    public Observation Reset(int seed)
    {
        _steps = 0;
        return Inner.Reset(seed);
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        var result = Inner.Step(action);
        return ++_steps >= maxSteps && !result.Done ? result with { Truncated = true } : result;
    }

    public RgbFrame Render() => Inner.Render();

    /// <summary>
    /// Expert episodes of <paramref name="envName"/>, each cut after <paramref name="maxSteps"/> steps.
    /// </summary>
    public static Demonstrations Collect(string envName, int episodes, int maxSteps, int seed)
    {
        var registration = Env.Lookup(envName);
        return Demonstrations.Collect(() => new StepLimitedEnv(registration.Create(), maxSteps),
            env => new InnerExpert(registration.Expert(((StepLimitedEnv)env).Inner), ((StepLimitedEnv)env).Inner),
            episodes, seed);
    }

    private sealed class InnerExpert(IExpert expert, IEnv env) : IExpert
    {
        public float[] Act(IEnv _) => expert.Act(env);
    }
}

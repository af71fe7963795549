namespace Qail.Envs;

/// <summary>Outcome of one <see cref="IEnv.Step"/>.</summary>
public sealed record StepResult(Observation Observation, double Reward, bool Terminated, bool Truncated, StepInfo Info)
{
    /// <summary>True when the episode is over for either reason.</summary>
    public bool Done => Terminated || Truncated;
}

/// <summary>Task outcome and named infraction counts, as the metrics need them.</summary>
/// <param name="Success">The task was accomplished (for return-based tasks: false until defined by the env).</param>
/// <param name="Infractions">Named counts, e.g. "collision_vehicle", "red_light".</param>
/// <param name="Metrics">Named scalar metrics, e.g. "route_completion".</param>
public sealed record StepInfo(bool Success, IReadOnlyDictionary<string, int> Infractions,
    IReadOnlyDictionary<string, double> Metrics)
{
    public static readonly StepInfo None = new(false, new Dictionary<string, int>(), new Dictionary<string, double>());
}

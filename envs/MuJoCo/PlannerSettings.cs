using System.Globalization;
using System.Text;

namespace Qail.Envs.MuJoCo;

/// <summary>Settings of <see cref="PredictiveSamplingExpert"/>.</summary>
/// <param name="Samples">Candidate plans scored per control step (the kept nominal plan among them).</param>
/// <param name="Horizon">Control steps each rollout looks ahead.</param>
/// <param name="Knots">Spline knots spanning the horizon (controls are linearly interpolated between them).</param>
/// <param name="Noise">Standard deviation of the knot perturbations, as a fraction of each control's
/// half-range.</param>
/// <param name="Workers">Parallel rollout workers (each owns one mjData); results do not depend on it.</param>
/// <param name="Temperature">0: the best candidate becomes the nominal plan (predictive sampling); above 0: the
/// nominal is the candidates' average weighted by exp((return - best) / (Temperature x return spread)) (MPPI).</param>
/// <param name="FineNoise">0: every candidate is perturbed with <paramref name="Noise"/>; above 0: every second
/// candidate with this smaller standard deviation instead, so one sample set both explores and refines (balance).
/// </param>
/// <param name="RolloutSteps">0: rollouts step the physics as the env does (its frame skip of the model's time
/// step); n above 0: each rollout control step is n physics steps of frame skip x time step / n on a copy of the
/// model, coarser and cheaper (the env itself keeps its own physics).</param>
public sealed record PlannerSettings(int Samples, int Horizon, int Knots, double Noise, int Workers,
    double Temperature = 0, double FineNoise = 0, int RolloutSteps = 0)
{
    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Samples < 1)
            throw new ArgumentException($"PlannerSettings: Samples {Samples} must be positive.", nameof(Samples));
        if (Horizon < 1)
            throw new ArgumentException($"PlannerSettings: Horizon {Horizon} must be positive.", nameof(Horizon));
        if (Knots < 2 || Knots > Horizon + 1)
            throw new ArgumentException($"PlannerSettings: Knots {Knots} must be in [2, Horizon + 1 = {Horizon + 1}].",
                nameof(Knots));
        if (!(Noise >= 0 && double.IsFinite(Noise)))
            throw new ArgumentException($"PlannerSettings: Noise {Noise} must be finite and non-negative.",
                nameof(Noise));
        if (Workers < 1)
            throw new ArgumentException($"PlannerSettings: Workers {Workers} must be positive.", nameof(Workers));
        if (!(Temperature >= 0 && double.IsFinite(Temperature)))
            throw new ArgumentException($"PlannerSettings: Temperature {Temperature} must be finite and non-negative.",
                nameof(Temperature));
        if (!(FineNoise >= 0 && double.IsFinite(FineNoise)))
            throw new ArgumentException($"PlannerSettings: FineNoise {FineNoise} must be finite and non-negative.",
                nameof(FineNoise));
        if (RolloutSteps < 0)
            throw new ArgumentException($"PlannerSettings: RolloutSteps {RolloutSteps} must be non-negative.",
                nameof(RolloutSteps));
    }

    // The printed form keys kept demonstrations (DemonstrationCache); RolloutSteps is printed only when set, so
    // planners that do not use it keep the keys they had before it existed.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture,
            $"Samples = {Samples}, Horizon = {Horizon}, Knots = {Knots}, Noise = {Noise}, Workers = {Workers}, " +
            $"Temperature = {Temperature}, FineNoise = {FineNoise}");
        if (RolloutSteps != 0) builder.Append(CultureInfo.InvariantCulture, $", RolloutSteps = {RolloutSteps}");
        return true;
    }
}

namespace Qail.Envs.Driving;

/// <summary>
/// CARLA-leaderboard-style driving score: route completion (percent) times the infraction penalty, the product over
/// infractions of coefficient^count. Coefficients: collision with a vehicle 0.60 and red light 0.70 (the
/// leaderboard's), off road 0.65 (the leaderboard's collision-with-layout value), lane invasion 0.85 (ours), route
/// deviation 1.0 (the leaderboard charges it through route completion only).
/// </summary>
public static class DrivingScore
{
    /// <summary>Penalty coefficient of each infraction name.</summary>
    public static readonly IReadOnlyDictionary<string, double> Coefficients = new Dictionary<string, double>
    {
        [Infractions.CollisionVehicle] = 0.60,
        [Infractions.RedLight] = 0.70,
        [Infractions.OffRoad] = 0.65,
        [Infractions.LaneInvasion] = 0.85,
        [Infractions.RouteDeviation] = 1.0,
    };

    /// <summary>Product of coefficient^count over <paramref name="infractions"/>, in (0, 1].</summary>
    /// <exception cref="ArgumentException">An unknown infraction name or a negative count.</exception>
    public static double Penalty(IReadOnlyDictionary<string, int> infractions)
    {
        ArgumentNullException.ThrowIfNull(infractions);
        double penalty = 1.0;
        foreach (var (name, count) in infractions)
        {
            if (!Coefficients.TryGetValue(name, out double coefficient))
                throw new ArgumentException($"DrivingScore.Penalty: unknown infraction '{name}'. Known: "
                    + $"{string.Join(", ", Coefficients.Keys)}.", nameof(infractions));
            if (count < 0)
                throw new ArgumentException($"DrivingScore.Penalty: infraction '{name}' has negative count {count}.",
                    nameof(infractions));
            penalty *= Math.Pow(coefficient, count);
        }
        return penalty;
    }

    /// <summary>
    /// Driving score in [0, 100]: <paramref name="routeCompletion"/> (percent, 0..100) times <see cref="Penalty"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Route completion outside [0, 100] or not a number, or bad
    /// infractions.</exception>
    public static double Compute(double routeCompletion, IReadOnlyDictionary<string, int> infractions)
    {
        if (!(routeCompletion >= 0 && routeCompletion <= 100))
            throw new ArgumentException(
                $"DrivingScore.Compute: route completion {routeCompletion} must lie in [0, 100] percent.",
                nameof(routeCompletion));
        return routeCompletion * Penalty(infractions);
    }
}

namespace Qail.Envs.Driving;

/// <summary>
/// The NoCrash-style driving conditions: "driving-nocrash-XY[-empty|-dense]" where X is the town family
/// (t = train, n = new) and Y the weather set (t = train, n = new); without suffix the traffic is regular.
/// </summary>
public static class DrivingSuite
{
    /// <summary>
    /// Registry lines for all twelve conditions (2 town families x 2 weather sets x 3 traffic densities).
    /// </summary>
    public static IEnumerable<EnvRegistration> Registrations()
    {
        foreach (var (townCode, family, townText) in new[]
            {
                ("t", TownFamily.Train, "train towns (3x3 grid, 70-90 m blocks)"),
                ("n", TownFamily.New, "new towns (3-4 x 3-4 grid, 55-110 m blocks, T-junctions)")
            })
            foreach (var (weatherCode, weathers, weatherText) in new[]
                { ("t", Weather.Train, "train weathers"), ("n", Weather.New, "new weathers") })
                foreach (var (suffix, density, trafficText) in new[]
                    {
                        ("", TrafficDensity.Regular, "regular traffic"), ("-empty", TrafficDensity.Empty, "no traffic"),
                        ("-dense", TrafficDensity.Dense, "dense traffic")
                    })
                {
                    string name = $"driving-nocrash-{townCode}{weatherCode}{suffix}";
                    yield return new EnvRegistration(name,
                        $"Urban driving (CARLA NoCrash-like), {townText}, {weatherText}, {trafficText}; 64x64x5 "
                        + "bird's-eye raster + speed + command; 1000 steps of 0.1 s.",
                        () => new DrivingEnv(name, family, weathers, density),
                        env => new DrivingExpert((DrivingEnv)env));
                }
    }
}

namespace Qail.Envs.Driving;

/// <summary>Background traffic level, as in NoCrash's empty / regular / dense conditions.</summary>
public enum TrafficDensity
{
    /// <summary>No other cars.</summary>
    Empty,

    /// <summary>About 8 cars per kilometre of lane.</summary>
    Regular,

    /// <summary>About 16 cars per kilometre of lane.</summary>
    Dense,
}

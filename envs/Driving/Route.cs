namespace Qail.Envs.Driving;

/// <summary>A planned route: a lane-level path from the ego's start to its goal, and the junctions on it.</summary>
public sealed class Route
{
    /// <summary>
    /// Distance before a stop line at which the junction's command replaces <see cref="DrivingCommand.Follow"/>,
    /// metres.
    /// </summary>
    public const double CommandDistance = 15.0;

    internal Route(IReadOnlyList<int> edges, Polyline path, IReadOnlyList<RouteJunction> junctions)
    {
        Edges = edges;
        Path = path;
        Junctions = junctions;
    }

    /// <summary>Lane-graph edges followed, in order.</summary>
    public IReadOnlyList<int> Edges { get; }

    /// <summary>The centreline to follow; arc length 0 is the start, <see cref="Polyline.Length"/> the goal.</summary>
    public Polyline Path { get; }

    /// <summary>Junctions crossed, in order.</summary>
    public IReadOnlyList<RouteJunction> Junctions { get; }

    /// <summary>The high-level command at route arc length <paramref name="progress"/>.</summary>
    public DrivingCommand CommandAt(double progress)
    {
        foreach (var junction in Junctions)
            if (progress < junction.Exit)
                return progress >= junction.StopLine - CommandDistance ? junction.Turn : DrivingCommand.Follow;
        return DrivingCommand.Follow;
    }

    /// <summary>
    /// The first junction whose box the route has not yet left at <paramref name="progress"/>, or null.
    /// </summary>
    public RouteJunction? NextJunction(double progress)
    {
        foreach (var junction in Junctions)
            if (progress < junction.Exit) return junction;
        return null;
    }
}

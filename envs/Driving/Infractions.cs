namespace Qail.Envs.Driving;

/// <summary>Names of the driving infractions counted in <see cref="StepInfo.Infractions"/>.</summary>
public static class Infractions
{
    /// <summary>The ego's body overlapped another car (ends the episode).</summary>
    public const string CollisionVehicle = "collision_vehicle";

    /// <summary>The ego's centre entered an intersection box while its approach showed red.</summary>
    public const string RedLight = "red_light";

    /// <summary>The ego's centre left the pavement (ends the episode).</summary>
    public const string OffRoad = "off_road";

    /// <summary>
    /// The ego's centre crossed into a lane of opposite travel direction (counted once per crossing).
    /// </summary>
    public const string LaneInvasion = "lane_invasion";

    /// <summary>
    /// The ego's centre strayed more than <see cref="DrivingEnv.MaxRouteDeviation"/> from the route (ends the episode).
    /// </summary>
    public const string RouteDeviation = "route_deviation";

    /// <summary>All names, in the order used by reports.</summary>
    public static readonly IReadOnlyList<string> All = [CollisionVehicle, RedLight, OffRoad, LaneInvasion,
        RouteDeviation];
}

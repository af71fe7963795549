namespace Qail.Envs.Driving;

/// <summary>
/// Privileged driving expert: pure-pursuit steering on the planned route (rear-axle reference, look-ahead growing with
/// speed) and intelligent-driver-model speed control that keeps its distance to the car ahead, slows for turns, stops
/// for red and (when comfortable) yellow lights, and waits while another approach's car is still in the box.
/// </summary>
public sealed class DrivingExpert(DrivingEnv env) : IExpert
{
    /// <summary>Cruise speed on straight road, m/s.</summary>
    public const double CruiseSpeed = 8.0;

    /// <summary>Speed through turns, m/s.</summary>
    public const double TurnSpeed = 4.5;

    private static readonly IntelligentDriverModel Straight = new(CruiseSpeed, MaxAcceleration: 2.5, MinimumGap: 2.5,
        TimeHeadway: 1.0);
    private static readonly IntelligentDriverModel Turning = Straight with { DesiredSpeed = TurnSpeed };
    private const int Samples = (int)Traffic.LookAhead + 1;
    private readonly DrivingEnv _env = env ?? throw new ArgumentNullException(nameof(env));
    private readonly Vec2[] _points = new Vec2[Samples];
    private readonly double[] _headings = new double[Samples];

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"DrivingExpert.Act: this expert is bound to '{_env.Name}', got '{env?.Name}'.",
                nameof(env));
        var route = _env.Route;
        var path = route.Path;
        var ego = _env.Ego;
        double progress = _env.Progress;

        double lookAhead = Math.Clamp(3.0 + 0.6 * ego.Speed, 4.0, 10.0);
        var target = path.PointAt(progress - VehiclePose.RearAxleToCentre + lookAhead);
        var toTarget = target - ego.RearAxle;
        double alpha = Headings.Difference(Math.Atan2(toTarget.Y, toTarget.X), ego.Heading);
        double delta = Math.Atan2(2 * KinematicBicycle.Wheelbase * Math.Sin(alpha), Math.Max(toTarget.Length, 1.0));
        double steer = Math.Clamp(delta / KinematicBicycle.MaxSteerAngle, -1.0, 1.0);

        for (int k = 0; k < Samples; k++)
        {
            _points[k] = path.PointAt(progress + k);
            _headings[k] = path.HeadingAt(progress + k);
        }
        // The expert also brakes for crossing cars within 15 m: a collision ends its episode.
        var (gap, leaderSpeed) = _env.Traffic.LeaderGap(_env.Town, _points, _headings, -1, ego, crossingRange: 15.0);
        var junction = route.NextJunction(progress);
        bool turning = false;
        if (junction is not null)
        {
            turning = junction.Turn != DrivingCommand.Straight && progress > junction.StopLine - 12.0;
            double stop = progress < junction.StopLine
                ? _env.Traffic.StopLineGap(_env.Town, junction.Intersection, junction.Direction,
                    junction.StopLine - progress,
                    junction.Exit - junction.StopLine, ego.Speed, gap, leaderSpeed, _env.Time, -1, ego)
                : junction.Turn == DrivingCommand.Left
                    ? _env.Traffic.LeftTurnYieldGap(_env.Town, junction.Intersection, junction.Direction,
                        progress - junction.StopLine, _env.Time, -1, ego)
                    : double.PositiveInfinity;
            if (stop < gap) (gap, leaderSpeed) = (stop, 0);
        }
        double accel = (turning ? Turning : Straight).Acceleration(ego.Speed, gap, leaderSpeed);
        double throttle = accel > 0 ? Math.Min(1.0, accel / KinematicBicycle.MaxAcceleration) : 0.0;
        double brake = accel < 0 ? Math.Min(1.0, -accel / KinematicBicycle.MaxDeceleration) : 0.0;
        return [(float)steer, (float)throttle, (float)brake];
    }
}

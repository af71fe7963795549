namespace Qail.Envs.Driving;

/// <summary>
/// Kinematic bicycle model referenced at the rear axle (metres, seconds, radians): x' = v cos(theta),
/// y' = v sin(theta), theta' = v tan(delta) / L, v' = a. Within a step the steering angle is held and the
/// acceleration constant, and the pose is integrated exactly along the resulting circular arc, so a constant
/// steering angle traces a circle of radius L / tan(delta).
/// </summary>
public static class KinematicBicycle
{
    /// <summary>Wheelbase L.</summary>
    public const double Wheelbase = 2.7;

    /// <summary>Steering angle at full lock (steer = +-1), radians (35 degrees).</summary>
    public const double MaxSteerAngle = 35.0 * Math.PI / 180.0;

    /// <summary>Acceleration at full throttle, m/s^2.</summary>
    public const double MaxAcceleration = 3.0;

    /// <summary>Deceleration at full brake, m/s^2.</summary>
    public const double MaxDeceleration = 8.0;

    /// <summary>Top speed (the engine governor), m/s.</summary>
    public const double MaxSpeed = 15.0;

    /// <summary>
    /// The pose after <paramref name="dt"/> seconds with steer in [-1, 1] (positive turns left) and throttle and brake
    /// in [0, 1]; speed stays in [0, <see cref="MaxSpeed"/>] (no reverse gear).
    /// </summary>
    public static VehiclePose Step(VehiclePose pose, double steer, double throttle, double brake, double dt)
    {
        double accel = throttle * MaxAcceleration - brake * MaxDeceleration;
        double v1 = Math.Clamp(pose.Speed + accel * dt, 0, MaxSpeed);
        double distance;
        // Distance under constant acceleration until the speed saturates at 0 or the governor.
        if (accel == 0 || v1 == pose.Speed + accel * dt) distance = 0.5 * (pose.Speed + v1) * dt;
        else
        {
            double tSat = (v1 - pose.Speed) / accel;
            distance = 0.5 * (pose.Speed + v1) * tSat + v1 * (dt - tSat);
        }
        double delta = steer * MaxSteerAngle;
        double x = pose.X, y = pose.Y, theta = pose.Heading;
        if (Math.Abs(delta) < 1e-9)
        {
            x += distance * Math.Cos(theta);
            y += distance * Math.Sin(theta);
        }
        else
        {
            double radius = Wheelbase / Math.Tan(delta);
            double theta1 = theta + distance / radius;
            x += radius * (Math.Sin(theta1) - Math.Sin(theta));
            y -= radius * (Math.Cos(theta1) - Math.Cos(theta));
            theta = theta1;
        }
        return new VehiclePose(x, y, Headings.Difference(theta, 0), v1);
    }
}

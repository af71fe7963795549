namespace Qail.Envs.Driving;

/// <summary>
/// Ego state: rear-axle position (m), heading (rad, counter-clockwise from east, in (-pi, pi]) and speed (m/s).
/// </summary>
public readonly record struct VehiclePose(double X, double Y, double Heading, double Speed)
{
    /// <summary>Body length of every car, metres.</summary>
    public const double Length = 4.5;

    /// <summary>Body width of every car, metres.</summary>
    public const double Width = 1.9;

    /// <summary>Distance from the rear axle forward to the body centre.</summary>
    public const double RearAxleToCentre = KinematicBicycle.Wheelbase / 2;

    /// <summary>Rear-axle position.</summary>
    public Vec2 RearAxle => new(X, Y);

    /// <summary>Centre of the car body.</summary>
    public Vec2 Centre => RearAxle + RearAxleToCentre * Vec2.FromAngle(Heading);
}

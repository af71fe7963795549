using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Envs.Driving;

namespace Qail.Envs.Tests.Driving;

public class KinematicBicycleTests
{
    [Property(MaxTest = 50)]
    public Property Straight_line_at_constant_speed(NormalFloat heading, PositiveInt steps)
    {
        double h = Math.IEEERemainder((double)heading.Get, 2 * Math.PI);
        int n = 1 + steps.Get % 200;
        double speed = 1 + n % 13;
        var pose = new VehiclePose(3, -4, h, speed);
        for (int i = 0; i < n; i++) pose = KinematicBicycle.Step(pose, 0, 0, 0, 0.1);
        double travelled = speed * 0.1 * n;
        return (Math.Abs(pose.X - (3 + travelled * Math.Cos(h))) < 1e-9
                && Math.Abs(pose.Y - (-4 + travelled * Math.Sin(h))) < 1e-9
                && Math.Abs(Headings.Difference(pose.Heading, h)) < 1e-12
                && pose.Speed == speed).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property Constant_steering_traces_a_circle_of_radius_L_over_tan_delta(int steerSeed, int speedSeed)
    {
        double steer = (0.1 + 0.9 * Math.Abs(steerSeed % 1000) / 1000.0) * (steerSeed % 2 == 0 ? 1 : -1);
        double speed = 1 + Math.Abs(speedSeed % 90) / 10.0;
        double radius = KinematicBicycle.Wheelbase / Math.Tan(steer * KinematicBicycle.MaxSteerAngle);
        var pose = new VehiclePose(0, 0, 0.3, speed);
        // Centre of the circle: the rear axle's left normal times the signed radius.
        var centre = pose.RearAxle + radius * Vec2.FromAngle(pose.Heading).Left;
        bool onCircle = true;
        for (int i = 0; i < 100; i++)
        {
            pose = KinematicBicycle.Step(pose, steer, 0, 0, 0.1);
            onCircle &= Math.Abs((pose.RearAxle - centre).Length - Math.Abs(radius)) < 1e-9;
        }
        double turned = speed * 10.0 / radius;
        return (onCircle && Math.Abs(Headings.Difference(pose.Heading, 0.3 + turned)) < 1e-9).ToProperty();
    }

    [Fact]
    public void Throttle_brake_and_governor_follow_the_stated_rates()
    {
        var pose = new VehiclePose(0, 0, 0, 0);
        for (int i = 0; i < 10; i++) pose = KinematicBicycle.Step(pose, 0, 1, 0, 0.1);
        Assert.Equal(3.0, pose.Speed, 12);
        Assert.Equal(1.5, pose.X, 12); // s = a t^2 / 2
        pose = KinematicBicycle.Step(pose, 0, 0, 1, 0.1);
        Assert.Equal(2.2, pose.Speed, 12);
        for (int i = 0; i < 10; i++) pose = KinematicBicycle.Step(pose, 0, 0, 1, 0.1);
        Assert.Equal(0.0, pose.Speed);
        double x = pose.X;
        pose = KinematicBicycle.Step(pose, 0, 0, 1, 0.1);
        Assert.Equal(x, pose.X); // no reverse gear
        var fast = new VehiclePose(0, 0, 0, KinematicBicycle.MaxSpeed);
        Assert.Equal(KinematicBicycle.MaxSpeed, KinematicBicycle.Step(fast, 0, 1, 0, 0.1).Speed);
    }
}

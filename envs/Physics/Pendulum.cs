using Qail.Envs.Rendering;

namespace Qail.Envs.Physics;

/// <summary>
/// Torque-limited pendulum: point mass 1 kg on a massless 0.5 m rod, g = 9.81 m/s^2, no friction, torque = 2 N m x
/// action (less than m g l = 4.9 N m, so it must swing). State (theta [rad, 0 = upright], theta' [rad/s]); control step
/// 0.02 s (2 RK4 substeps). Observation (cos theta, sin theta, theta'). Reward as DeepMind Control: 1 within 30 degrees
/// of upright, else 0. Success: within 30 degrees of upright for each of the last 200 steps.
/// </summary>
public sealed class Pendulum : PhysicsEnv
{
    /// <summary>Gravity [m/s^2].</summary>
    public const double Gravity = 9.81;
    /// <summary>Bob mass [kg].</summary>
    public const double Mass = 1.0;
    /// <summary>Rod length [m].</summary>
    public const double Length = 0.5;
    /// <summary>Torque at action 1 [N m].</summary>
    public const double MaxTorque = 2.0;
    /// <summary>Trailing steps the pendulum must stay up for success.</summary>
    public const int HoldSteps = 200;

    private static readonly double UprightCos = Math.Cos(Math.PI / 6);
    private int _upStreak;

    /// <summary>Creates the swing-up task.</summary>
    public Pendulum()
        : base("pendulum-swingup", stateSize: 2, observationSize: 3, actionSize: 1, timeStep: 0.02, substeps: 2)
    {
    }

    /// <summary>
    /// Total mechanical energy [J] relative to resting upright: 0.5 m l^2 theta'^2 + m g l (cos theta - 1).
    /// </summary>
    public static double Energy(double theta, double thetaDot) =>
        0.5 * Mass * Length * Length * thetaDot * thetaDot + Mass * Gravity * Length * (Math.Cos(theta) - 1);

    /// <inheritdoc/>
    public override void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt)
    {
        dxdt[0] = x[1];
        dxdt[1] = Gravity / Length * Math.Sin(x[0]) + MaxTorque * u[0] / (Mass * Length * Length);
    }

    /// <inheritdoc/>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u) =>
        Math.Cos(x[0]) >= UprightCos ? 1.0 : 0.0;

    /// <inheritdoc/>
    public override float[] Observe(ReadOnlySpan<double> x) =>
        [(float)Math.Cos(x[0]), (float)Math.Sin(x[0]), (float)x[1]];

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, Span<double> x)
    {
        _upStreak = 0;
        x[0] = rng.Uniform(-Math.PI, Math.PI);
        x[1] = 0;
    }

    /// <inheritdoc/>
    protected override bool UpdateSuccess(ReadOnlySpan<double> x, int step)
    {
        _upStreak = Math.Cos(x[0]) >= UprightCos ? _upStreak + 1 : 0;
        return _upStreak >= HoldSteps;
    }

    /// <inheritdoc/>
    public override RgbFrame Render()
    {
        var x = PhysicalState;
        var canvas = new Canvas(120, 120, new Rgb(235, 235, 235));
        const double scale = 90; // pixels per metre
        double tipX = 60 + Length * scale * Math.Sin(x[0]), tipY = 60 - Length * scale * Math.Cos(x[0]);
        canvas.DrawLine(60, 60, tipX, tipY, 3, new Rgb(200, 120, 40));
        canvas.FillCircle(tipX, tipY, 6, new Rgb(60, 90, 160));
        canvas.FillCircle(60, 60, 3, Rgb.Black);
        return canvas.ToFrame();
    }
}

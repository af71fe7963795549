using Qail.Envs.Rendering;

namespace Qail.Envs.Physics;

/// <summary>
/// Acrobot (Spong's model with Sutton and Barto's constants): two links of 1 m and 1 kg, centres of mass at 0.5 m,
/// moments of inertia 1 kg m^2, g = 9.8 m/s^2, only the elbow actuated with torque = 2 N m x action.
/// State (q1 [rad, 0 = hanging down], q2 [rad, relative], q1', q2' [rad/s]); control step 0.02 s (2 RK4 substeps).
/// Observation (cos q1, sin q1, cos q2, sin q2, q1', q2'). Reward as DeepMind Control's acrobot swing-up: Gaussian
/// tolerance of the tip-to-target distance (target = tip position when upright, radius 0.2 m, margin 4 m).
/// Success: Sutton and Barto's acrobot goal, the tip raised at least one link length above the shoulder at some step
/// (holding it there needs far more elbow torque than 2 N m: the upright LQR saturates within ~0.01 rad).
/// </summary>
public sealed class Acrobot : PhysicsEnv
{
    /// <summary>Gravity [m/s^2].</summary>
    public const double Gravity = 9.8;
    /// <summary>Link mass [kg] (both links).</summary>
    public const double LinkMass = 1.0;
    /// <summary>Link length [m] (both links).</summary>
    public const double LinkLength = 1.0;
    /// <summary>Distance from joint to centre of mass [m] (both links).</summary>
    public const double CentreOfMass = 0.5;
    /// <summary>Moment of inertia [kg m^2] (both links).</summary>
    public const double Inertia = 1.0;
    /// <summary>Elbow torque at action 1 [N m].</summary>
    public const double MaxTorque = 2.0;
    /// <summary>Target radius [m].</summary>
    public const double TargetRadius = 0.2;
    private bool _reachedGoalHeight;

    /// <summary>Creates the swing-up task.</summary>
    public Acrobot()
        : base("acrobot-swingup", stateSize: 4, observationSize: 6, actionSize: 1, timeStep: 0.02, substeps: 2)
    {
    }

    /// <summary>Mechanical energy [J] (zero potential at the shoulder height).</summary>
    public static double Energy(ReadOnlySpan<double> x)
    {
        const double m = LinkMass, l = LinkLength, lc = CentreOfMass, i = Inertia;
        double c2 = Math.Cos(x[1]);
        double d1 = m * lc * lc + m * (l * l + lc * lc + 2 * l * lc * c2) + 2 * i;
        double d2 = m * (lc * lc + l * lc * c2) + i;
        double d3 = m * lc * lc + i;
        double kinetic = 0.5 * (d1 * x[2] * x[2] + 2 * d2 * x[2] * x[3] + d3 * x[3] * x[3]);
        double potential = -m * Gravity * lc * Math.Cos(x[0])
            - m * Gravity * (l * Math.Cos(x[0]) + lc * Math.Cos(x[0] + x[1]));
        return kinetic + potential;
    }

    /// <summary>Energy [J] of the upright rest state.</summary>
    public static double UprightEnergy =>
        LinkMass * Gravity * CentreOfMass + LinkMass * Gravity * (LinkLength + CentreOfMass);

    /// <summary>Tip position [m] relative to the shoulder, y up.</summary>
    public static (double X, double Y) Tip(ReadOnlySpan<double> x) =>
        (LinkLength * (Math.Sin(x[0]) + Math.Sin(x[0] + x[1])), -LinkLength * (Math.Cos(x[0]) + Math.Cos(x[0] + x[1])));

    /// <summary>Tip-to-target distance [m]; the target is the upright tip position (0, 2 m).</summary>
    public static double TargetDistance(ReadOnlySpan<double> x)
    {
        var (tx, ty) = Tip(x);
        return Math.Sqrt(tx * tx + (ty - 2 * LinkLength) * (ty - 2 * LinkLength));
    }

    /// <inheritdoc/>
    public override void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt)
    {
        const double m = LinkMass, l = LinkLength, lc = CentreOfMass, i = Inertia;
        double q1 = x[0], q2 = x[1], w1 = x[2], w2 = x[3], s2 = Math.Sin(q2), c2 = Math.Cos(q2);
        double d1 = m * lc * lc + m * (l * l + lc * lc + 2 * l * lc * c2) + 2 * i;
        double d2 = m * (lc * lc + l * lc * c2) + i;
        double phi2 = m * lc * Gravity * Math.Sin(q1 + q2);
        double phi1 = -m * l * lc * w2 * w2 * s2 - 2 * m * l * lc * w2 * w1 * s2
            + (m * lc + m * l) * Gravity * Math.Sin(q1) + phi2;
        double a2 = (MaxTorque * u[0] + d2 / d1 * phi1 - m * l * lc * w1 * w1 * s2 - phi2)
            / (m * lc * lc + i - d2 * d2 / d1);
        dxdt[0] = w1;
        dxdt[1] = w2;
        dxdt[2] = -(d2 * a2 + phi1) / d1;
        dxdt[3] = a2;
    }

    /// <inheritdoc/>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u) =>
        Tolerance.Gaussian(TargetDistance(x), 0, TargetRadius, margin: 4);

    /// <inheritdoc/>
    public override float[] Observe(ReadOnlySpan<double> x) =>
        [(float)Math.Cos(x[0]), (float)Math.Sin(x[0]), (float)Math.Cos(x[1]), (float)Math.Sin(x[1]), (float)x[2],
            (float)x[3]];

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, Span<double> x)
    {
        _reachedGoalHeight = false;
        x[0] = rng.Uniform(-Math.PI, Math.PI);
        x[1] = rng.Uniform(-Math.PI, Math.PI);
        x[2] = 0;
        x[3] = 0;
    }

    /// <inheritdoc/>
    protected override bool UpdateSuccess(ReadOnlySpan<double> x, int step)
    {
        _reachedGoalHeight |= Tip(x).Y >= LinkLength;
        return _reachedGoalHeight;
    }

    /// <inheritdoc/>
    public override RgbFrame Render()
    {
        var x = PhysicalState;
        var canvas = new Canvas(120, 120, new Rgb(235, 235, 235));
        const double scale = 26; // pixels per metre
        double ex = 60 + scale * Math.Sin(x[0]), ey = 60 + scale * Math.Cos(x[0]);
        var (tx, ty) = Tip(x);
        canvas.FillCircle(60, 60 - scale * 2 * LinkLength, scale * TargetRadius, new Rgb(220, 60, 60));
        canvas.DrawLine(60, 60, ex, ey, 4, new Rgb(60, 90, 160));
        canvas.DrawLine(ex, ey, 60 + scale * tx, 60 - scale * ty, 4, new Rgb(200, 120, 40));
        canvas.FillCircle(60, 60, 3, Rgb.Black);
        return canvas.ToFrame();
    }
}

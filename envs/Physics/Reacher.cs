using Qail.Envs.Rendering;

namespace Qail.Envs.Physics;

/// <summary>
/// Two-link planar arm in a horizontal plane (no gravity): two uniform rods of 0.1 kg and 0.12 m, joint damping
/// 0.005 N m s/rad, torque = 0.05 N m x action per joint. State (q1, q2 [rad], q1', q2' [rad/s]); control step 0.02 s
/// (4 RK4 substeps). A target is drawn at angle U(0, 2 pi) and radius U(0.05, 0.20) m; its radius is 0.05 m (easy)
/// or 0.015 m (hard), the fingertip's 0.01 m. Observation (cos q1, sin q1, cos q2, sin q2, target - fingertip [m], q1',
/// q2'). Reward as DeepMind Control: 1 while the fingertip touches the target, else 0. Success: touching at the last
/// step.
/// </summary>
public sealed class Reacher : PhysicsEnv
{
    /// <summary>Mass of each link [kg].</summary>
    public const double LinkMass = 0.1;
    /// <summary>Length of each link [m].</summary>
    public const double LinkLength = 0.12;
    /// <summary>Viscous joint damping [N m s/rad].</summary>
    public const double Damping = 0.005;
    /// <summary>Torque at action 1 [N m].</summary>
    public const double MaxTorque = 0.05;
    /// <summary>Fingertip radius [m].</summary>
    public const double FingerRadius = 0.01;

    private const double CentreInertia = LinkMass * LinkLength * LinkLength / 12, HalfLength = LinkLength / 2;
    private bool _touching;

    /// <summary>Creates reacher-easy (target radius 0.05 m) or reacher-hard (0.015 m).</summary>
    public Reacher(bool hard)
        : base(hard ? "reacher-hard" : "reacher-easy", stateSize: 4, observationSize: 8, actionSize: 2, timeStep: 0.02,
            substeps: 4)
    {
        TargetRadius = hard ? 0.015 : 0.05;
    }

    /// <summary>Target radius [m].</summary>
    public double TargetRadius { get; }

    /// <summary>Target centre [m] in the shoulder frame.</summary>
    public (double X, double Y) Target { get; private set; }

    /// <summary>Fingertip position [m] for joint angles (q1, q2).</summary>
    public static (double X, double Y) Fingertip(double q1, double q2) =>
        (LinkLength * (Math.Cos(q1) + Math.Cos(q1 + q2)), LinkLength * (Math.Sin(q1) + Math.Sin(q1 + q2)));

    /// <summary>Mass matrix entries (m11, m12, m22) at elbow angle q2.</summary>
    public static (double M11, double M12, double M22) MassMatrix(double q2)
    {
        double c = Math.Cos(q2);
        double m22 = LinkMass * HalfLength * HalfLength + CentreInertia;
        double m12 = m22 + LinkMass * LinkLength * HalfLength * c;
        double m11 = 2 * m22 + LinkMass * (LinkLength * LinkLength + 2 * LinkLength * HalfLength * c);
        return (m11, m12, m22);
    }

    /// <summary>Coriolis and centrifugal torques (c1, c2) at elbow angle q2 and joint velocities.</summary>
    public static (double C1, double C2) Coriolis(double q2, double q1Dot, double q2Dot)
    {
        double h = LinkMass * LinkLength * HalfLength * Math.Sin(q2);
        return (-h * (2 * q1Dot * q2Dot + q2Dot * q2Dot), h * q1Dot * q1Dot);
    }

    /// <inheritdoc/>
    public override void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt)
    {
        var (m11, m12, m22) = MassMatrix(x[1]);
        var (c1, c2) = Coriolis(x[1], x[2], x[3]);
        double t1 = MaxTorque * u[0] - Damping * x[2] - c1, t2 = MaxTorque * u[1] - Damping * x[3] - c2;
        double det = m11 * m22 - m12 * m12;
        dxdt[0] = x[2];
        dxdt[1] = x[3];
        dxdt[2] = (m22 * t1 - m12 * t2) / det;
        dxdt[3] = (m11 * t2 - m12 * t1) / det;
    }

    /// <summary>Fingertip-to-target distance [m] at state <paramref name="x"/>.</summary>
    public double Distance(ReadOnlySpan<double> x)
    {
        var (fx, fy) = Fingertip(x[0], x[1]);
        return Math.Sqrt((Target.X - fx) * (Target.X - fx) + (Target.Y - fy) * (Target.Y - fy));
    }

    /// <inheritdoc/>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u) =>
        Distance(x) <= TargetRadius + FingerRadius ? 1.0 : 0.0;

    /// <inheritdoc/>
    public override float[] Observe(ReadOnlySpan<double> x)
    {
        var (fx, fy) = Fingertip(x[0], x[1]);
        return [(float)Math.Cos(x[0]), (float)Math.Sin(x[0]), (float)Math.Cos(x[1]), (float)Math.Sin(x[1]),
            (float)(Target.X - fx), (float)(Target.Y - fy), (float)x[2], (float)x[3]];
    }

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, Span<double> x)
    {
        x[0] = rng.Uniform(-Math.PI, Math.PI);
        x[1] = rng.Uniform(-Math.PI, Math.PI);
        x[2] = 0;
        x[3] = 0;
        double angle = rng.Uniform(0, 2 * Math.PI), radius = rng.Uniform(0.05, 0.20);
        Target = (radius * Math.Cos(angle), radius * Math.Sin(angle));
        _touching = false;
    }

    /// <inheritdoc/>
    protected override bool UpdateSuccess(ReadOnlySpan<double> x, int step)
    {
        _touching = Distance(x) <= TargetRadius + FingerRadius;
        return _touching;
    }

    /// <inheritdoc/>
    public override RgbFrame Render()
    {
        var x = PhysicalState;
        var canvas = new Canvas(120, 120, new Rgb(235, 235, 235));
        const double scale = 220; // pixels per metre
        double ex = 60 + scale * LinkLength * Math.Cos(x[0]), ey = 60 - scale * LinkLength * Math.Sin(x[0]);
        var (fx, fy) = Fingertip(x[0], x[1]);
        canvas.FillCircle(60 + scale * Target.X, 60 - scale * Target.Y, scale * TargetRadius, new Rgb(220, 60, 60));
        canvas.DrawLine(60, 60, ex, ey, 4, new Rgb(60, 90, 160));
        canvas.DrawLine(ex, ey, 60 + scale * fx, 60 - scale * fy, 4, new Rgb(200, 120, 40));
        canvas.FillCircle(60 + scale * fx, 60 - scale * fy, scale * FingerRadius, new Rgb(40, 40, 40));
        return canvas.ToFrame();
    }
}

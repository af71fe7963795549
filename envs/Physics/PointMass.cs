using Qail.Envs.Rendering;

namespace Qail.Envs.Physics;

/// <summary>
/// Planar point mass of 0.3 kg with viscous damping 0.3 N s/m, driven by forces of 1 N x action per axis, inside an
/// inelastic box of half-width 0.3 m. State (x, y [m], x', y' [m/s]); control step 0.02 s (2 RK4 substeps).
/// Observation (x, y, x', y'). Reward as DeepMind Control's point_mass: near-target (within 0.015 m of the origin,
/// Gaussian margin 0.015 m) x small control. Success: within 0.015 m of the origin at the last step.
/// </summary>
public sealed class PointMass : PhysicsEnv
{
    /// <summary>Mass [kg].</summary>
    public const double Mass = 0.3;
    /// <summary>Viscous damping [N s/m].</summary>
    public const double Damping = 0.3;
    /// <summary>Force at action 1 [N].</summary>
    public const double MaxForce = 1.0;
    /// <summary>Half-width of the box [m].</summary>
    public const double Wall = 0.3;
    /// <summary>Target radius around the origin [m].</summary>
    public const double TargetRadius = 0.015;

    private bool _atTarget;

    /// <summary>Creates the task.</summary>
    public PointMass()
        : base("point-mass", stateSize: 4, observationSize: 4, actionSize: 2, timeStep: 0.02, substeps: 2)
    {
    }

    /// <inheritdoc/>
    public override void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt)
    {
        dxdt[0] = x[2];
        dxdt[1] = x[3];
        dxdt[2] = (MaxForce * u[0] - Damping * x[2]) / Mass;
        dxdt[3] = (MaxForce * u[1] - Damping * x[3]) / Mass;
    }

    /// <inheritdoc/>
    protected override void Constrain(Span<double> x)
    {
        for (int axis = 0; axis < 2; axis++)
        {
            if (Math.Abs(x[axis]) <= Wall) continue;
            x[axis] = Math.CopySign(Wall, x[axis]);
            if (x[axis] * x[axis + 2] > 0) x[axis + 2] = 0; // inelastic wall: outward velocity stops
        }
    }

    /// <inheritdoc/>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        double distance = Math.Sqrt(x[0] * x[0] + x[1] * x[1]);
        double near = Tolerance.Gaussian(distance, 0, TargetRadius, margin: TargetRadius);
        double control = (Tolerance.Quadratic(u[0], 0, 0, 1) + Tolerance.Quadratic(u[1], 0, 0, 1)) / 2;
        return near * (4 + control) / 5;
    }

    /// <inheritdoc/>
    public override float[] Observe(ReadOnlySpan<double> x) => [(float)x[0], (float)x[1], (float)x[2], (float)x[3]];

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, Span<double> x)
    {
        x[0] = rng.Uniform(-0.28, 0.28);
        x[1] = rng.Uniform(-0.28, 0.28);
        x[2] = 0;
        x[3] = 0;
        _atTarget = false;
    }

    /// <inheritdoc/>
    protected override bool UpdateSuccess(ReadOnlySpan<double> x, int step)
    {
        _atTarget = x[0] * x[0] + x[1] * x[1] <= TargetRadius * TargetRadius;
        return _atTarget;
    }

    /// <inheritdoc/>
    public override RgbFrame Render()
    {
        var x = PhysicalState;
        var canvas = new Canvas(120, 120, new Rgb(90, 90, 90));
        const double scale = 180; // pixels per metre
        canvas.FillRect(60 - scale * Wall, 60 - scale * Wall, 60 + scale * Wall, 60 + scale * Wall,
            new Rgb(235, 235, 235));
        canvas.FillCircle(60, 60, scale * TargetRadius, new Rgb(220, 60, 60));
        canvas.FillCircle(60 + scale * x[0], 60 - scale * x[1], 4, new Rgb(60, 90, 160));
        return canvas.ToFrame();
    }
}

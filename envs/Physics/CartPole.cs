using Qail.Envs.Rendering;

namespace Qail.Envs.Physics;

/// <summary>
/// Cart-pole with the Barto-Sutton-Anderson (1983) equations: cart 1.0 kg, pole 0.1 kg of half-length 0.5 m,
/// g = 9.8 m/s^2, no friction, force = 10 N x action. State (x [m], theta [rad, 0 = upright], x' [m/s], theta'
/// [rad/s]); control step 0.01 s (2 RK4 substeps). Observation (x, cos theta, sin theta, x', theta'). Reward as
/// DeepMind Control's cartpole: upright * centred * small control * small velocity, in [0, 1]. Success: balance:
/// |theta| &lt; 0.2 rad and |x| &lt; 2.4 m at every step so far; swing-up: the same held over the last 200 steps.
/// </summary>
public sealed class CartPole : PhysicsEnv
{
    /// <summary>Gravity [m/s^2].</summary>
    public const double Gravity = 9.8;
    /// <summary>Cart mass [kg].</summary>
    public const double CartMass = 1.0;
    /// <summary>Pole mass [kg].</summary>
    public const double PoleMass = 0.1;
    /// <summary>Pole half-length [m].</summary>
    public const double HalfLength = 0.5;
    /// <summary>Force at action 1 [N].</summary>
    public const double ForceMagnitude = 10.0;
    /// <summary>Pole angle bound of the success criterion [rad].</summary>
    public const double AngleLimit = 0.2;
    /// <summary>Cart position bound of the success criterion [m].</summary>
    public const double PositionLimit = 2.4;
    /// <summary>Trailing steps the swing-up task must hold the pole up.</summary>
    public const int SwingUpHoldSteps = 200;

    private int _upStreak;
    private bool _everFailed;

    /// <summary>Creates the balance task (near upright start) or the swing-up task (hanging start).</summary>
    public CartPole(bool swingUp)
        : base(swingUp ? "cartpole-swingup" : "cartpole-balance", stateSize: 4, observationSize: 5, actionSize: 1,
            timeStep: 0.01, substeps: 2)
    {
        SwingUp = swingUp;
    }

    /// <summary>True for the swing-up task.</summary>
    public bool SwingUp { get; }

    /// <summary>The BSA equations of motion under a force in newtons: returns (x'', theta'').</summary>
    public static (double XAcc, double ThetaAcc) Accelerations(double theta, double thetaDot, double force)
    {
        double total = CartMass + PoleMass, sin = Math.Sin(theta), cos = Math.Cos(theta);
        double temp = (force + PoleMass * HalfLength * thetaDot * thetaDot * sin) / total;
        double thetaAcc = (Gravity * sin - cos * temp) / (HalfLength * (4.0 / 3.0 - PoleMass * cos * cos / total));
        double xAcc = temp - PoleMass * HalfLength * thetaAcc * cos / total;
        return (xAcc, thetaAcc);
    }

    /// <inheritdoc/>
    public override void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt)
    {
        var (xAcc, thetaAcc) = Accelerations(x[1], x[3], ForceMagnitude * u[0]);
        dxdt[0] = x[2];
        dxdt[1] = x[3];
        dxdt[2] = xAcc;
        dxdt[3] = thetaAcc;
    }

    /// <inheritdoc/>
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        double upright = (Math.Cos(x[1]) + 1) / 2;
        double centred = (1 + Tolerance.Gaussian(x[0], 0, 0, margin: 2)) / 2;
        double smallControl = (4 + Tolerance.Quadratic(u[0], 0, 0, margin: 1)) / 5;
        double smallVelocity = (1 + Tolerance.Gaussian(x[3], 0, 0, margin: 5)) / 2;
        return upright * centred * smallControl * smallVelocity;
    }

    /// <inheritdoc/>
    public override float[] Observe(ReadOnlySpan<double> x) =>
        [(float)x[0], (float)Math.Cos(x[1]), (float)Math.Sin(x[1]), (float)x[2], (float)x[3]];

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, Span<double> x)
    {
        _upStreak = 0;
        _everFailed = false;
        if (SwingUp)
        {
            x[0] = 0.01 * rng.NextGaussian();
            x[1] = Math.PI + 0.01 * rng.NextGaussian();
        }
        else
        {
            x[0] = rng.Uniform(-0.1, 0.1);
            x[1] = rng.Uniform(-0.034, 0.034);
        }
        x[2] = 0.01 * rng.NextGaussian();
        x[3] = 0.01 * rng.NextGaussian();
    }

    /// <inheritdoc/>
    protected override bool UpdateSuccess(ReadOnlySpan<double> x, int step)
    {
        bool up = Math.Abs(Angles.Wrap(x[1])) < AngleLimit && Math.Abs(x[0]) < PositionLimit;
        _upStreak = up ? _upStreak + 1 : 0;
        _everFailed |= !up;
        return SwingUp ? _upStreak >= SwingUpHoldSteps : !_everFailed;
    }

    /// <inheritdoc/>
    public override RgbFrame Render()
    {
        var x = PhysicalState;
        var canvas = new Canvas(160, 120, new Rgb(235, 235, 235));
        const double scale = 24; // pixels per metre
        double cx = 80 + x[0] * scale, cy = 80;
        canvas.FillRect(0, cy + 8, 160, cy + 10, new Rgb(120, 120, 120));
        canvas.FillRect(cx - 12, cy - 6, cx + 12, cy + 6, new Rgb(60, 90, 160));
        double tipX = cx + 2 * HalfLength * scale * Math.Sin(x[1]), tipY = cy - 2 * HalfLength * scale * Math.Cos(x[1]);
        canvas.DrawLine(cx, cy, tipX, tipY, 3, new Rgb(200, 120, 40));
        canvas.FillCircle(cx, cy, 2.5, Rgb.Black);
        return canvas.ToFrame();
    }
}

namespace Qail.Envs.Physics;

/// <summary>
/// Cart-pole expert: discrete LQR around the upright (Riccati solved numerically on the RK4 step map); far from
/// upright, Astrom-Furuta energy pumping (cart acceleration 8 tanh(10 E theta' cos theta) m/s^2, E = pole energy
/// relative to upright) plus a weak cart-centring term, switching to LQR once the pole is within 0.35 rad of upright
/// with near-zero pole energy.
/// </summary>
public sealed class CartPoleExpert : IExpert
{
    // Swing-up gains [m/s^2, 1/J s, 1/s^2, 1/s], tuned on the swing-up task's return.
    private const double PumpAcceleration = 8, PumpSharpness = 10, CentringStiffness = 1, CentringDamping = 1.5;
    private readonly CartPole _env;
    // The model's constants are fixed, so one design serves every instance (and both cart-pole tasks).
    private static readonly Lazy<Lqr> Regulator = new(() => Lqr.Design(new CartPole(swingUp: false), [0, 0, 0, 0], [0],
        stateWeights: [10, 10, 1, 1], controlWeights: [0.1]));
    private readonly Lqr _lqr = Regulator.Value;

    /// <summary>Binds the expert to <paramref name="env"/>; the regulator is designed once per process.</summary>
    public CartPoleExpert(CartPole env)
    {
        _env = env;
    }

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"CartPoleExpert: bound to another {_env.Name} instance.", nameof(env));
        var x = _env.PhysicalState;
        double theta = Angles.Wrap(x[1]);
        const double inertia = 4.0 / 3.0 * CartPole.PoleMass * CartPole.HalfLength * CartPole.HalfLength;
        double energy = 0.5 * inertia * x[3] * x[3]
            + CartPole.PoleMass * CartPole.Gravity * CartPole.HalfLength * (Math.Cos(theta) - 1);
        double u;
        if (Math.Abs(theta) < 0.35 && Math.Abs(energy) < 0.05)
        {
            Span<double> dx = [x[0], theta, x[2], x[3]];
            Span<double> control = stackalloc double[1];
            _lqr.Control(dx, control);
            u = control[0];
        }
        else
        {
            // dE/dt = -m l a theta' cos(theta): a of the sign of E theta' cos(theta) drives E up to 0 (the upright
            // energy).
            double accel = PumpAcceleration * Math.Tanh(PumpSharpness * energy * x[3] * Math.Cos(theta))
                - CentringStiffness * x[0] - CentringDamping * x[2];
            u = accel * (CartPole.CartMass + CartPole.PoleMass) / CartPole.ForceMagnitude;
        }
        return [(float)Math.Clamp(u, -1.0, 1.0)];
    }
}

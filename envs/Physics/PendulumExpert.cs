namespace Qail.Envs.Physics;

/// <summary>
/// Pendulum expert: energy pumping (torque along theta' while the energy is below the upright energy) switching to
/// discrete LQR within 0.5 rad of upright.
/// </summary>
public sealed class PendulumExpert : IExpert
{
    private readonly Pendulum _env;
    // The model's constants are fixed, so one design serves every instance.
    private static readonly Lazy<Lqr> Regulator = new(() =>
        Lqr.Design(new Pendulum(), [0, 0], [0], stateWeights: [10, 1], controlWeights: [0.1]));
    private readonly Lqr _lqr = Regulator.Value;

    /// <summary>Binds the expert to <paramref name="env"/>; the regulator is designed once per process.</summary>
    public PendulumExpert(Pendulum env)
    {
        _env = env;
    }

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"PendulumExpert: bound to another {_env.Name} instance.", nameof(env));
        var x = _env.PhysicalState;
        double theta = Angles.Wrap(x[0]), energy = Pendulum.Energy(theta, x[1]);
        double u;
        if (Math.Abs(theta) < 0.5 && Math.Abs(energy) < 1.0)
        {
            Span<double> control = stackalloc double[1];
            _lqr.Control([theta, x[1]], control);
            u = control[0];
        }
        else
        {
            // dE/dt = torque * theta': push along the motion while short of the upright energy; kick from rest.
            double direction = Math.Abs(x[1]) > 1e-3 ? Math.Sign(x[1]) : (theta >= 0 ? 1 : -1);
            u = energy < 0 ? direction : -0.5 * direction;
        }
        return [(float)Math.Clamp(u, -1.0, 1.0)];
    }
}

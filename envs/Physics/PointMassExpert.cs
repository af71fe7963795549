namespace Qail.Envs.Physics;

/// <summary>Point-mass expert: discrete LQR to the origin on the exact (linear, damped) model, saturated.</summary>
public sealed class PointMassExpert : IExpert
{
    private readonly PointMass _env;
    // The model's constants are fixed, so one design serves every instance.
    private static readonly Lazy<Lqr> Regulator = new(() => Lqr.Design(new PointMass(), [0, 0, 0, 0], [0, 0],
        stateWeights: [100, 100, 1, 1], controlWeights: [0.05, 0.05]));
    private readonly Lqr _lqr = Regulator.Value;

    /// <summary>Binds the expert to <paramref name="env"/>; the regulator is designed once per process.</summary>
    public PointMassExpert(PointMass env)
    {
        _env = env;
    }

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"PointMassExpert: bound to another {_env.Name} instance.", nameof(env));
        Span<double> u = stackalloc double[2];
        _lqr.Control(_env.PhysicalState, u);
        return [(float)Math.Clamp(u[0], -1.0, 1.0), (float)Math.Clamp(u[1], -1.0, 1.0)];
    }
}

namespace Qail.Envs.Physics;

/// <summary>
/// Acrobot expert: model-predictive control by the cross-entropy method over the true model (receding horizon of
/// 30 steps, 32 samples, 5 elites, 2 iterations, warm-started from the previous plan, seeded from the episode seed
/// and step), minimising the energy error to the upright energy plus the tip's distance to the target; switches to
/// discrete LQR when the upright regulator's cost-to-go is small. About 2k model steps per control step.
/// </summary>
public sealed class AcrobotExpert : IExpert
{
    private const int Horizon = 30, Samples = 32, Elites = 5, Iterations = 2;
    private const double InitialSpread = 0.8, BasinCost = 500;

    private readonly Acrobot _env;
    // The model's constants are fixed, so one design serves every instance.
    private static readonly Lazy<Lqr> Regulator = new(() =>
        Lqr.Design(new Acrobot(), [Math.PI, 0, 0, 0], [0], stateWeights: [10, 10, 1, 1], controlWeights: [1]));
    private readonly Lqr _lqr = Regulator.Value;
    private readonly double[] _mean = new double[Horizon];
    private readonly double[] _spread = new double[Horizon];
    private readonly double[][] _plans = new double[Samples][];
    private readonly double[] _costs = new double[Samples];
    private readonly int[] _order = new int[Samples];
    private int _lastStep = -1, _lastSeed;

    /// <summary>Binds the expert to <paramref name="env"/>; the regulator is designed once per process.</summary>
    public AcrobotExpert(Acrobot env)
    {
        _env = env;
        for (int i = 0; i < Samples; i++) _plans[i] = new double[Horizon];
    }

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"AcrobotExpert: bound to another {_env.Name} instance.", nameof(env));
        var x = _env.PhysicalState;
        Span<double> dx = [Angles.Wrap(x[0] - Math.PI), Angles.Wrap(x[1]), x[2], x[3]];
        if (_lqr.CostToGo(dx) < BasinCost)
        {
            Span<double> control = stackalloc double[1];
            _lqr.Control(dx, control);
            _lastStep = -1; // a later excursion starts a fresh plan
            return [(float)Math.Clamp(control[0], -1.0, 1.0)];
        }
        return [(float)Plan(x)];
    }

    private double Plan(ReadOnlySpan<double> x)
    {
        bool continuing = _lastStep >= 0 && _env.StepCount == _lastStep + 1 && _env.EpisodeSeed == _lastSeed;
        if (continuing)
        {
            Array.Copy(_mean, 1, _mean, 0, Horizon - 1);
            _mean[Horizon - 1] = 0;
        }
        else
        {
            Array.Clear(_mean);
        }
        Array.Fill(_spread, InitialSpread);
        _lastStep = _env.StepCount;
        _lastSeed = _env.EpisodeSeed;
        var rng = SplitMix64.Derive(_env.EpisodeSeed, _env.StepCount);
        Span<double> state = stackalloc double[4];
        Span<double> u = stackalloc double[1];
        for (int iteration = 0; iteration < Iterations; iteration++)
        {
            for (int s = 0; s < Samples; s++)
            {
                var plan = _plans[s];
                for (int t = 0; t < Horizon; t++)
                    plan[t] = s == 0 ? _mean[t] : Math.Clamp(_mean[t] + _spread[t] * rng.NextGaussian(), -1.0, 1.0);
                x.CopyTo(state);
                double cost = 0;
                for (int t = 0; t < Horizon; t++)
                {
                    u[0] = plan[t];
                    _env.Simulate(state, u, state);
                    double energyError = (Acrobot.Energy(state) - Acrobot.UprightEnergy) / Acrobot.UprightEnergy;
                    cost += energyError * energyError + 0.05 * Acrobot.TargetDistance(state);
                }
                _costs[s] = cost;
                _order[s] = s;
            }
            Array.Sort(_costs, _order);
            for (int t = 0; t < Horizon; t++)
            {
                double mean = 0, square = 0;
                for (int e = 0; e < Elites; e++) mean += _plans[_order[e]][t];
                mean /= Elites;
                for (int e = 0; e < Elites; e++)
                    square += (_plans[_order[e]][t] - mean) * (_plans[_order[e]][t] - mean);
                _mean[t] = mean;
                _spread[t] = Math.Max(0.05, Math.Sqrt(square / Elites));
            }
        }
        return _mean[0];
    }
}

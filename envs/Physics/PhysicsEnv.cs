namespace Qail.Envs.Physics;

/// <summary>
/// Shared machinery of the DeepMind-Control-style tasks: a continuous-time model x' = f(x, u) integrated with
/// classic RK4 (fixed substeps per control step), actions in [-1, 1] per actuator, per-step reward in [0, 1],
/// 1000-step episodes (so returns lie in 0..1000), no early termination. An action outside [-1, 1] saturates at the
/// actuator limit, as a real motor does; wrong length or NaN/infinite entries are rejected.
/// </summary>
public abstract class PhysicsEnv : IEnv
{
    /// <summary>Episode length of every physics task.</summary>
    public const int EpisodeSteps = 1000;

    private readonly double[] _x;
    private readonly double[] _u;
    private bool _reset;

    /// <summary>Sets up the model's sizes and time step.</summary>
    protected PhysicsEnv(string name, int stateSize, int observationSize, int actionSize, double timeStep, int substeps)
    {
        Name = name;
        Substeps = substeps;
        _x = new double[stateSize];
        _u = new double[actionSize];
        var low = new float[actionSize];
        var high = new float[actionSize];
        Array.Fill(low, -1f);
        Array.Fill(high, 1f);
        Spec = new EnvSpec(observationSize, null, null, 0, new ActionSpace(low, high), EpisodeSteps, timeStep);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public EnvSpec Spec { get; }

    /// <summary>RK4 substeps per control step.</summary>
    public int Substeps { get; }

    /// <summary>Seed of the current episode.</summary>
    public int EpisodeSeed { get; private set; }

    /// <summary>Control steps taken in the current episode.</summary>
    public int StepCount { get; private set; }

    /// <summary>True once the episode is over; <see cref="Step"/> then throws until the next reset.</summary>
    public bool Done { get; private set; }

    /// <summary>
    /// The true physical state (generalized positions then velocities, SI units), for experts and tests.
    /// </summary>
    public ReadOnlySpan<double> PhysicalState => _x;

    /// <summary>The saturated action applied in the last step (zero after reset).</summary>
    public ReadOnlySpan<double> LastControl => _u;

    /// <summary>Number of physical state variables.</summary>
    public int StateSize => _x.Length;

    /// <inheritdoc/>
    public Observation Reset(int seed)
    {
        EpisodeSeed = seed;
        StepCount = 0;
        Done = false;
        _reset = true;
        Array.Clear(_u);
        Initialize(new SplitMix64(unchecked((ulong)seed * 0xD1B54A32D192ED03ul + 0x2545F4914F6CDD1Dul)), _x);
        return new Observation(Observe(_x));
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (!_reset) throw new InvalidOperationException($"{Name}: Step before Reset.");
        if (Done)
            throw new InvalidOperationException(
                $"{Name}: Step after the episode ended at step {StepCount}; call Reset.");
        if (action.Length != _u.Length)
            throw new ArgumentException($"{Name}: action has length {action.Length}, expected {_u.Length}.",
                nameof(action));
        for (int i = 0; i < action.Length; i++)
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Name}: action[{i}] = {action[i]} is not finite.", nameof(action));

        for (int i = 0; i < _u.Length; i++) _u[i] = Math.Clamp((double)action[i], -1.0, 1.0);
        Simulate(_x, _u, _x);
        StepCount++;
        double reward = Reward(_x, _u);
        bool success = UpdateSuccess(_x, StepCount);
        Done = StepCount >= EpisodeSteps;
        var info = new StepInfo(success, NoInfractions, NoMetrics);
        return new StepResult(new Observation(Observe(_x)), reward, Terminated: false, Truncated: Done, info);
    }

    /// <summary>
    /// Advances <paramref name="x"/> by one control step under the saturated control <paramref name="u"/> (pure;
    /// in-place allowed).
    /// </summary>
    public void Simulate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        int n = x.Length;
        Span<double> scratch = stackalloc double[6 * n];
        Span<double> y = scratch[..n], k1 = scratch.Slice(n, n), k2 = scratch.Slice(2 * n, n),
            k3 = scratch.Slice(3 * n, n), k4 = scratch.Slice(4 * n, n), tmp = scratch.Slice(5 * n, n);
        x.CopyTo(y);
        double h = Spec.TimeStep / Substeps;
        for (int s = 0; s < Substeps; s++)
        {
            Derivative(y, u, k1);
            for (int i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k1[i];
            Derivative(tmp, u, k2);
            for (int i = 0; i < n; i++) tmp[i] = y[i] + 0.5 * h * k2[i];
            Derivative(tmp, u, k3);
            for (int i = 0; i < n; i++) tmp[i] = y[i] + h * k3[i];
            Derivative(tmp, u, k4);
            for (int i = 0; i < n; i++) y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            Constrain(y);
        }
        y.CopyTo(next);
    }

    /// <summary>
    /// Continuous-time dynamics: writes dx/dt at state <paramref name="x"/> under control <paramref name="u"/> in [-1,
    /// 1].
    /// </summary>
    public abstract void Derivative(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> dxdt);

    /// <summary>Per-step reward in [0, 1] for the state reached under control <paramref name="u"/>.</summary>
    public abstract double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u);

    /// <summary>The observation vector (float) of state <paramref name="x"/>.</summary>
    public abstract float[] Observe(ReadOnlySpan<double> x);

    /// <inheritdoc/>
    public abstract RgbFrame Render();

    /// <summary>
    /// Draws the initial state (and any task parameters such as a target) from <paramref name="rng"/>.
    /// </summary>
    protected abstract void Initialize(SplitMix64 rng, Span<double> x);

    /// <summary>
    /// Folds the new state into the task's success criterion and returns whether the task counts as accomplished so
    /// far.
    /// </summary>
    protected abstract bool UpdateSuccess(ReadOnlySpan<double> x, int step);

    /// <summary>Applies hard constraints (walls) after each substep; the default has none.</summary>
    protected virtual void Constrain(Span<double> x)
    {
    }

    private static readonly IReadOnlyDictionary<string, int> NoInfractions = new Dictionary<string, int>();
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();
}

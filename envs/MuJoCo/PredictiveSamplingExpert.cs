namespace Qail.Envs.MuJoCo;

/// <summary>
/// Model-predictive control by predictive sampling (Howell et al., MJPC): a nominal plan of control knots is kept
/// across steps; each control step it is shifted forward, perturbed with Gaussian noise into candidates, every
/// candidate is rolled out on MuJoCo from the env's current state (state saved and restored per rollout) and scored
/// by the task's planning objective (its reward, shaped where the reward is flat), and the best becomes the new
/// nominal, or with a temperature their MPPI average (<see cref="PlanUpdate"/>). Rollouts may step coarser physics
/// than the env (<see cref="PlannerSettings.RolloutSteps"/>), and score each control step on the kinematics MuJoCo
/// computed inside its last physics step (one physics step old) rather than paying for another forward pass.
/// Rollouts run in parallel over cores; each rollout restores the full state first, so the chosen action does not
/// depend on the worker count. The noise is drawn from the episode's seed and the step, so an episode replays
/// exactly.
/// </summary>
public sealed class PredictiveSamplingExpert : IExpert, IDisposable
{
    private readonly MujocoEnv _env;
    private readonly PlannerSettings _settings;
    private readonly MujocoData[] _workers;
    private readonly double[] _state, _nominal, _shifted, _candidates, _returns, _low, _high;
    private readonly MujocoModel? _rolloutModel;
    private readonly int _nu, _rolloutSteps;
    private int _episodeSeed = int.MinValue, _lastStep = -1;

    /// <summary>Binds a planner to <paramref name="env"/>.</summary>
    public PredictiveSamplingExpert(MujocoEnv env, PlannerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        _env = env;
        _settings = settings;
        _nu = env.Model.Nu;
        _rolloutSteps = settings.RolloutSteps == 0 ? env.FrameSkip : settings.RolloutSteps;
        if (_rolloutSteps != env.FrameSkip)
            _rolloutModel = env.Model.WithTimestep(env.Model.Timestep * env.FrameSkip / _rolloutSteps);
        var model = _rolloutModel ?? env.Model;
        _workers = Enumerable.Range(0, settings.Workers).Select(_ => new MujocoData(model)).ToArray();
        _state = new double[env.Data.StateSize];
        _nominal = new double[settings.Knots * _nu];
        _shifted = new double[_nominal.Length];
        _candidates = new double[settings.Samples * settings.Knots * _nu];
        _returns = new double[settings.Samples];
        _low = env.Spec.Action.Low.Select(v => (double)v).ToArray();
        _high = env.Spec.Action.High.Select(v => (double)v).ToArray();
    }

    /// <summary>The settings in use.</summary>
    public PlannerSettings Settings => _settings;

    /// <inheritdoc/>
    public float[] Act(IEnv env)
    {
        if (!ReferenceEquals(env, _env))
            throw new ArgumentException($"PredictiveSamplingExpert: bound to another {_env.Name} instance.",
                nameof(env));
        if (_env.EpisodeSeed != _episodeSeed || _env.StepCount <= _lastStep)
        {
            Array.Clear(_nominal);
            _episodeSeed = _env.EpisodeSeed;
        }
        else
        {
            Shift(_env.StepCount - _lastStep);
        }
        _lastStep = _env.StepCount;
        _env.Data.SaveState(_state);
        Perturb(SplitMix64.Derive(_env.EpisodeSeed, _env.StepCount));
        int workers = _workers.Length;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            Span<double> control = stackalloc double[_nu];
            for (int i = w; i < _returns.Length; i += workers) _returns[i] = Rollout(_workers[w], i, control);
        });
        PlanUpdate.Apply(_candidates, _returns, _settings.Temperature, _nominal);
        var action = new float[_nu];
        for (int j = 0; j < _nu; j++) action[j] = (float)_nominal[j];
        return action;
    }

    /// <summary>Frees the planner's simulation data.</summary>
    public void Dispose()
    {
        foreach (var data in _workers) data.Dispose();
        _rolloutModel?.Dispose();
    }

    private double Rollout(MujocoData data, int candidate, Span<double> control)
    {
        data.RestoreState(_state);
        var knots = _candidates.AsSpan(candidate * _nominal.Length, _nominal.Length);
        var ctrl = data.Ctrl;
        double total = 0;
        for (int t = 0; t < _settings.Horizon; t++)
        {
            Interpolate(knots, t, control);
            for (int j = 0; j < _nu; j++) ctrl[j] = Math.Clamp(control[j], _low[j], _high[j]);
            for (int k = 0; k < _rolloutSteps; k++) data.Step();
            total += _env.PlanningObjective(data);
        }
        // A diverged rollout (MuJoCo resets it with a warning, or NaN leaks into the score) ranks last.
        return double.IsNaN(total) ? double.NegativeInfinity : total;
    }

    private void Perturb(SplitMix64 rng)
    {
        _nominal.CopyTo(_candidates, 0);
        for (int i = 1; i < _settings.Samples; i++)
        {
            var candidate = _candidates.AsSpan(i * _nominal.Length, _nominal.Length);
            double noise = _settings.FineNoise > 0 && i % 2 == 0 ? _settings.FineNoise : _settings.Noise;
            for (int k = 0; k < candidate.Length; k++)
            {
                int j = k % _nu;
                double halfRange = (_high[j] - _low[j]) / 2;
                double sample = _nominal[k] + noise * halfRange * rng.NextGaussian();
                candidate[k] = Math.Clamp(sample, _low[j], _high[j]);
            }
        }
    }

    // Knot k sits at control step k * Horizon / (Knots - 1); after a shift the plan continues from where it was.
    private void Shift(int steps)
    {
        double spacing = (double)_settings.Horizon / (_settings.Knots - 1);
        for (int k = 0; k < _settings.Knots; k++)
            Interpolate(_nominal, k * spacing + steps, _shifted.AsSpan(k * _nu, _nu));
        _shifted.CopyTo(_nominal, 0);
    }

    private void Interpolate(ReadOnlySpan<double> knots, double step, Span<double> control)
    {
        double position = Math.Clamp(step * (_settings.Knots - 1) / _settings.Horizon, 0, _settings.Knots - 1);
        int k = Math.Min((int)position, _settings.Knots - 2);
        double f = position - k;
        for (int j = 0; j < _nu; j++) control[j] = (1 - f) * knots[k * _nu + j] + f * knots[(k + 1) * _nu + j];
    }
}

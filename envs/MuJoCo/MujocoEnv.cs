namespace Qail.Envs.MuJoCo;

/// <summary>
/// Base of the environments simulated by MuJoCo, in the shape of our other physics envs: one control step is
/// <see cref="FrameSkip"/> physics steps with the control held, actions are the actuators' controls within their
/// ctrlrange (outside values saturate at the limit as a motor does; wrong length or NaN/infinite entries are
/// rejected), per-step reward in [0, 1] built from DeepMind Control's tolerance functions, 1000-step episodes, no
/// early termination. A task supplies the model, its observation, reward and initial-state distribution. Reward and
/// observation are functions of the <see cref="MujocoData"/> alone, so planners can score their own rollouts.
/// </summary>
public abstract class MujocoEnv : IEnv, IDisposable
{
    private readonly float[] _low, _high;
    private readonly double[] _bodyMass;
    private readonly double _totalMass;
    private bool _reset;

    /// <summary>Builds the env on <paramref name="model"/> (owned and disposed by the env).</summary>
    /// <exception cref="ArgumentException">The frame skip, observation size or episode length is not
    /// positive.</exception>
    protected MujocoEnv(string name, MujocoModel model, int frameSkip, int observationSize, int episodeSteps = 1000)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (frameSkip < 1 || observationSize < 1 || episodeSteps < 1)
            throw new ArgumentException($"{name}: frame skip {frameSkip}, observation size {observationSize} and " +
                                        $"episode length {episodeSteps} must be positive.", nameof(frameSkip));
        Name = name;
        Model = model;
        Data = new MujocoData(model);
        FrameSkip = frameSkip;
        var range = model.ActuatorControlRange;
        _low = new float[model.Nu];
        _high = new float[model.Nu];
        for (int i = 0; i < model.Nu; i++)
        {
            _low[i] = (float)range[2 * i];
            _high[i] = (float)range[2 * i + 1];
        }
        _bodyMass = model.BodyMass.ToArray();
        for (int b = 1; b < _bodyMass.Length; b++) _totalMass += _bodyMass[b];
        var actions = new ActionSpace(_low, _high);
        Spec = new EnvSpec(observationSize, null, null, 0, actions, episodeSteps, model.Timestep * frameSkip);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public EnvSpec Spec { get; }

    /// <summary>The compiled model.</summary>
    public MujocoModel Model { get; }

    /// <summary>The live simulation state of the episode (experts read it; do not step it directly).</summary>
    public MujocoData Data { get; }

    /// <summary>Physics steps per control step.</summary>
    public int FrameSkip { get; }

    /// <summary>Seed of the current episode.</summary>
    public int EpisodeSeed { get; private set; }

    /// <summary>Control steps taken in the current episode.</summary>
    public int StepCount { get; private set; }

    /// <summary>True once the episode is over; <see cref="Step"/> then throws until the next reset.</summary>
    public bool Done { get; private set; }

    /// <inheritdoc/>
    public Observation Reset(int seed)
    {
        EpisodeSeed = seed;
        StepCount = 0;
        Done = false;
        _reset = true;
        Data.Reset();
        Initialize(new SplitMix64(unchecked((ulong)seed * 0xD1B54A32D192ED03ul + 0x2545F4914F6CDD1Dul)), Data);
        Data.Ctrl.Clear();
        Data.Forward();
        return new Observation(Observe(Data));
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (!_reset) throw new InvalidOperationException($"{Name}: Step before Reset.");
        if (Done)
            throw new InvalidOperationException(
                $"{Name}: Step after the episode ended at step {StepCount}; call Reset.");
        if (action.Length != _low.Length)
            throw new ArgumentException($"{Name}: action has length {action.Length}, expected {_low.Length}.",
                nameof(action));
        for (int i = 0; i < action.Length; i++)
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Name}: action[{i}] = {action[i]} is not finite.", nameof(action));
        Span<double> control = stackalloc double[action.Length];
        for (int i = 0; i < action.Length; i++) control[i] = action[i];
        double reward = Advance(Data, control);
        StepCount++;
        Done = StepCount >= Spec.MaxSteps;
        var info = new StepInfo(IsSuccess(Data), NoInfractions, NoMetrics);
        return new StepResult(new Observation(Observe(Data)), reward, Terminated: false, Truncated: Done, info);
    }

    /// <summary>
    /// One control step of <paramref name="data"/> (this env's model) under <paramref name="control"/>, saturated at
    /// the action bounds: the physics steps, a forward pass so positions and sensors describe the new state, and the
    /// task's reward for it. Planners call it on their own data.
    /// </summary>
    public double Advance(MujocoData data, ReadOnlySpan<double> control)
    {
        Simulate(data, control);
        return Reward(data);
    }

    /// <summary>Like <see cref="Advance"/>, but returns the <see cref="PlanningObjective"/> of the new state.</summary>
    public double AdvanceForPlanning(MujocoData data, ReadOnlySpan<double> control)
    {
        Simulate(data, control);
        return PlanningObjective(data);
    }

    /// <summary>The task's reward in [0, 1] for the state in <paramref name="data"/> (after a forward pass).</summary>
    public abstract double Reward(MujocoData data);

    /// <summary>
    /// What planners maximise per step: the reward by default; a task whose reward is a flat step almost everywhere
    /// adds a shaping term so sampled rollouts can tell better from worse.
    /// </summary>
    public virtual double PlanningObjective(MujocoData data) => Reward(data);

    /// <summary>
    /// The whole model's centre of mass [m] in <paramref name="data"/>, from the bodies' inertial frames (after a
    /// forward pass); one pass over the bodies for all three coordinates.
    /// </summary>
    public (double X, double Y, double Z) CentreOfMass(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var xipos = data.Xipos;
        double x = 0, y = 0, z = 0;
        for (int b = 1; b < _bodyMass.Length; b++)
        {
            x += _bodyMass[b] * xipos[3 * b];
            y += _bodyMass[b] * xipos[3 * b + 1];
            z += _bodyMass[b] * xipos[3 * b + 2];
        }
        return (x / _totalMass, y / _totalMass, z / _totalMass);
    }

    /// <summary>The observation vector of the state in <paramref name="data"/>.</summary>
    public abstract float[] Observe(MujocoData data);

    /// <inheritdoc/>
    public virtual RgbFrame Render() => MujocoRenderer.Render(this);

    private void Simulate(MujocoData data, ReadOnlySpan<double> control)
    {
        var ctrl = data.Ctrl;
        for (int i = 0; i < ctrl.Length; i++) ctrl[i] = Math.Clamp(control[i], _low[i], _high[i]);
        for (int k = 0; k < FrameSkip; k++) data.Step();
        data.Forward();
    }

    /// <summary>Frees the simulation data and the model.</summary>
    public void Dispose()
    {
        Data.Dispose();
        Model.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Draws the initial state into <paramref name="data"/> (reset to the model's defaults beforehand).
    /// </summary>
    protected abstract void Initialize(SplitMix64 rng, MujocoData data);

    /// <summary>
    /// Whether the task counts as accomplished at this state; by default, a reward of at least one half.
    /// </summary>
    protected virtual bool IsSuccess(MujocoData data) => Reward(data) >= 0.5;

    private static readonly IReadOnlyDictionary<string, int> NoInfractions = new Dictionary<string, int>();
    private static readonly IReadOnlyDictionary<string, double> NoMetrics = new Dictionary<string, double>();
}

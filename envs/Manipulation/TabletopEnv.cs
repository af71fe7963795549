using Qail.Envs.Rendering;

namespace Qail.Envs.Manipulation;

/// <summary>
/// LIBERO-like tabletop manipulation seen from above. Observation: a 64x64x3 top-down camera image (gripper included;
/// its height shows as brightness, size and the offset of its shadow), the gripper state
/// [x, y, z (m), open (1/0), holding (1/0)], and the instruction as <see cref="InstructionVocabulary.Length"/> tokens.
/// Action: [dx, dy, dz] in metres per 0.1 s step, limited to +-<see cref="MaxStepMetres"/> (larger values saturate at
/// the arm's speed limit), then the jaw command (&gt; 0 closes, otherwise opens; -1 / +1 by convention); the spec
/// advertises 256 bins per dimension for token-emitting policies (<see cref="ActionTokenizer"/>).
/// Reward 1 on the step the task's goals all hold (the episode then terminates with success), 0 otherwise.
/// </summary>
public sealed class TabletopEnv : IEnv
{
    /// <summary>Side of the observed camera image, pixels.</summary>
    public const int ImageSize = 64;

    /// <summary>Side of the frame from <see cref="Render"/>, pixels.</summary>
    public const int RenderSize = 256;

    /// <summary>Largest gripper motion per step along each axis, metres.</summary>
    public const float MaxStepMetres = 0.03f;

    /// <summary>Length of <see cref="Observation.State"/>.</summary>
    public const int StateSize = 5;

    private readonly Canvas _camera = new(ImageSize, ImageSize);
    private readonly Canvas _screen = new(RenderSize, RenderSize);
    private Tabletop? _scene;
    private ManipulationTask? _task;
    private int[] _instruction = [];

    /// <summary>
    /// An env over <paramref name="suite"/>; with <paramref name="taskIndex"/> every reset uses that task, else the
    /// seed picks it.
    /// </summary>
    public TabletopEnv(LiberoSuite suite, int? taskIndex = null)
    {
        var tasks = LiberoTasks.Of(suite);
        if (taskIndex is int t && (uint)t >= (uint)tasks.Count)
            throw new ArgumentOutOfRangeException(nameof(taskIndex),
                $"TabletopEnv: task index {t} outside [0, {tasks.Count}) of {suite}.");
        Suite = suite;
        FixedTask = taskIndex;
        Name = LiberoTasks.Name(suite);
        int maxSteps = suite == LiberoSuite.Long ? 300 : 200;
        Spec = new EnvSpec(
            StateSize,
            new ImageSpec(ImageSize, ImageSize, 3),
            InstructionVocabulary.Spec,
            CommandCount: 0,
            new ActionSpace([-MaxStepMetres, -MaxStepMetres, -MaxStepMetres, -1f],
                [MaxStepMetres, MaxStepMetres, MaxStepMetres, 1f], Bins: 256),
            maxSteps,
            TimeStep: 0.1);
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public EnvSpec Spec { get; }

    /// <summary>The suite this env draws tasks from.</summary>
    public LiberoSuite Suite { get; }

    /// <summary>The task index fixed at construction, or null when the seed picks it.</summary>
    public int? FixedTask { get; }

    /// <summary>Index of the current episode's task within the suite.</summary>
    public int TaskIndex { get; private set; }

    /// <summary>The current episode's task.</summary>
    public ManipulationTask Task => _task ?? throw NotReset();

    /// <summary>The current world state, for experts, tests and metrics.</summary>
    public Tabletop Scene => _scene ?? throw NotReset();

    /// <summary>Seed of the current episode.</summary>
    public int EpisodeSeed { get; private set; }

    /// <summary>Steps taken in the current episode.</summary>
    public int StepCount { get; private set; }

    /// <summary>True once the episode is over; <see cref="Step"/> then throws until the next reset.</summary>
    public bool Done { get; private set; }

    /// <summary>Number of the task's goals that hold now.</summary>
    public int GoalsDone => Task.Goals.Count(g => g.IsSatisfiedBy(Scene));

    /// <inheritdoc/>
    public Observation Reset(int seed)
    {
        var tasks = LiberoTasks.Of(Suite);
        int index = FixedTask ?? (int)((uint)seed % (uint)tasks.Count);
        var task = tasks[index];
        var scene = TabletopLayout.Sample(task, SplitMix64.Derive(seed, 0x7AB1E70B + (int)Suite * 1000 + index));
        _task = task;
        _scene = scene;
        _instruction = InstructionVocabulary.Tokenize(task.Instruction);
        TaskIndex = index;
        EpisodeSeed = seed;
        StepCount = 0;
        Done = false;
        return Observe();
    }

    /// <inheritdoc/>
    public StepResult Step(ReadOnlySpan<float> action)
    {
        var scene = _scene ?? throw NotReset();
        if (Done)
            throw new InvalidOperationException(
                $"{Name}: Step after the episode ended at step {StepCount}; call Reset.");
        if (action.Length != Spec.Action.Size)
            throw new ArgumentException(
                $"{Name}: action has length {action.Length}, expected {Spec.Action.Size} (dx, dy, dz, gripper).",
                nameof(action));
        for (int i = 0; i < action.Length; i++)
            if (!float.IsFinite(action[i]))
                throw new ArgumentException($"{Name}: action[{i}] = {action[i]} is not finite.", nameof(action));

        double Limit(float v) => Math.Clamp(v, -MaxStepMetres, MaxStepMetres);
        scene.Step(Limit(action[0]), Limit(action[1]), Limit(action[2]), close: action[3] > 0);
        StepCount++;
        int done = GoalsDone;
        bool success = done == Task.Goals.Count;
        bool truncated = !success && StepCount >= Spec.MaxSteps;
        Done = success || truncated;
        var info = new StepInfo(success, NoInfractions, new Dictionary<string, double>
        {
            ["goals_done"] = done,
            ["goals"] = Task.Goals.Count,
            ["task_index"] = TaskIndex,
        });
        return new StepResult(Observe(), success ? 1.0 : 0.0, Terminated: success, Truncated: truncated, info);
    }

    /// <inheritdoc/>
    public RgbFrame Render()
    {
        TabletopRenderer.Draw(Scene, _screen);
        return _screen.ToFrame();
    }

    /// <summary>The current observation (a fresh copy).</summary>
    public Observation Observe()
    {
        var scene = Scene;
        TabletopRenderer.Draw(scene, _camera);
        float[] state =
        [
            (float)scene.GripperX, (float)scene.GripperY, (float)scene.GripperZ,
            scene.GripperOpen ? 1f : 0f, scene.Held >= 0 ? 1f : 0f,
        ];
        return new Observation(state, (byte[])_camera.Pixels.Clone(), (int[])_instruction.Clone());
    }

    private InvalidOperationException NotReset() => new($"{Name}: call Reset before using the env.");

    private static readonly IReadOnlyDictionary<string, int> NoInfractions = new Dictionary<string, int>();
}

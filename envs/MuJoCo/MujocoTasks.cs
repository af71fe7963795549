namespace Qail.Envs.MuJoCo;

/// <summary>
/// The registry lines of the MuJoCo tasks, with each task's planner settings (chosen on training seeds 200-299;
/// test seeds are 100-199).
/// </summary>
public static class MujocoTasks
{
    private static readonly (string Name, string Description, Func<MujocoEnv> Create, PlannerSettings Planner)[]
        Table =
    [
        ("walker-stand", "Planar walker (our MJCF): stand up and stay tall (DMC reward; 1000 steps of 0.025 s).",
            () => new PlanarWalker(0), new(Samples: 32, Horizon: 24, Knots: 4, Noise: 0.2, Workers)),
        ("walker-walk", "Planar walker (our MJCF): walk forward at 1 m/s (DMC reward; 1000 steps of 0.025 s).",
            () => new PlanarWalker(PlanarWalker.WalkSpeed),
            new(Samples: 32, Horizon: 24, Knots: 4, Noise: 0.3, Workers)),
        ("hopper-stand", "Planar one-legged hopper (our MJCF): stand up (DMC reward; 1000 steps of 0.02 s).",
            () => new Hopper(), new(Samples: 64, Horizon: 50, Knots: 6, Noise: 0.8, Workers, FineNoise: 0.2)),
        ("cheetah-run", "Planar half-cheetah (our MJCF): run, full reward at 10 m/s (DMC; 1000 steps of 0.01 s).",
            () => new Cheetah(), new(Samples: 128, Horizon: 60, Knots: 9, Noise: 0.8, Workers)),
        ("finger-spin", "Two-link finger (our MJCF): keep a hinged body spinning (DMC reward; 1000 steps of 0.02 s).",
            () => new Finger(), new(Samples: 64, Horizon: 25, Knots: 5, Noise: 0.8, Workers, Temperature: 0.1)),
        ("humanoid-stand", "MuJoCo's installed humanoid.xml: from a contact-free random pose, stand up and stay still "
            + "(DMC reward; 1000 steps of 0.025 s).",
            () => new Humanoid(0), new(Samples: 32, Horizon: 30, Knots: 6, Noise: 0.3, Workers, RolloutSteps: 2)),
        ("humanoid-walk", "MuJoCo's installed humanoid.xml: from a contact-free random pose, walk at 1 m/s "
            + "(DMC reward; 1000 steps of 0.025 s).",
            () => new Humanoid(1), new(Samples: 64, Horizon: 40, Knots: 8, Noise: 0.3, Workers, RolloutSteps: 3)),
        ("cartpole-balance-mujoco", "Our cart-pole plant in MuJoCo, checks cartpole-balance (1000 steps of 0.01 s).",
            () => new MujocoCartPole(), new(Samples: 16, Horizon: 100, Knots: 4, Noise: 0.3, Workers)),
    ];

    /// <summary>Rollout workers: one per core.</summary>
    public static int Workers => Environment.ProcessorCount;

    /// <summary>Names of the MuJoCo tasks, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Table.Select(t => t.Name).ToArray());

    /// <summary>Registry lines for every MuJoCo task.</summary>
    public static IEnumerable<EnvRegistration> Registrations() =>
        Table.Select(t => new EnvRegistration(t.Name, t.Description, t.Create,
            env => new PredictiveSamplingExpert((MujocoEnv)env, t.Planner)));

    /// <summary>
    /// The planner settings of a MuJoCo task's expert, or null when <paramref name="name"/> is not a MuJoCo task.
    /// </summary>
    public static PlannerSettings? ExpertSettings(string name) =>
        Table.Where(t => t.Name == name).Select(t => t.Planner).FirstOrDefault();
}

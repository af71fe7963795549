namespace Qail.Envs.MuJoCo;

/// <summary>The registry lines of the MuJoCo tasks, with each task's planner settings (chosen on training seeds).</summary>
public static class MujocoTasks
{
    /// <summary>Rollout workers: one per core.</summary>
    public static int Workers { get; } = Environment.ProcessorCount;

    /// <summary>Names of the MuJoCo tasks, in registry order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Registrations().Select(r => r.Name).ToArray());

    /// <summary>Registry lines for every MuJoCo task.</summary>
    public static IEnumerable<EnvRegistration> Registrations() =>
    [
        Line("walker-stand", "Planar walker (our MJCF): stand up and stay tall (DMC reward; 1000 steps of 0.025 s; MuJoCo).",
            () => new PlanarWalker(0), new(Samples: 32, Horizon: 16, Knots: 4, Noise: 0.3, Workers)),
        Line("walker-walk", "Planar walker (our MJCF): walk forward at 1 m/s (DMC reward; 1000 steps of 0.025 s; MuJoCo).",
            () => new PlanarWalker(PlanarWalker.WalkSpeed), new(Samples: 32, Horizon: 16, Knots: 4, Noise: 0.3, Workers)),
        Line("hopper-stand", "Planar one-legged hopper (our MJCF): stand up (DMC reward; 1000 steps of 0.02 s; MuJoCo).",
            () => new Hopper(), new(Samples: 32, Horizon: 20, Knots: 4, Noise: 0.3, Workers)),
        Line("cheetah-run", "Planar half-cheetah (our MJCF): run forward, full reward at 10 m/s (DMC reward; 1000 steps of 0.01 s; MuJoCo).",
            () => new Cheetah(), new(Samples: 32, Horizon: 30, Knots: 4, Noise: 0.3, Workers)),
        Line("finger-spin", "Two-link finger (our MJCF): keep a hinged body spinning fast (DMC reward; 1000 steps of 0.02 s; MuJoCo).",
            () => new Finger(), new(Samples: 32, Horizon: 15, Knots: 4, Noise: 0.5, Workers)),
        Line("humanoid-stand", "MuJoCo's installed humanoid.xml (21 motors): stand up and stay still (DMC reward; 1000 steps of 0.025 s).",
            () => new Humanoid(0), new(Samples: 16, Horizon: 10, Knots: 3, Noise: 0.2, Workers)),
        Line("humanoid-walk", "MuJoCo's installed humanoid.xml (21 motors): walk at 1 m/s (DMC reward; 1000 steps of 0.025 s).",
            () => new Humanoid(1), new(Samples: 16, Horizon: 10, Knots: 3, Noise: 0.2, Workers)),
        Line("cartpole-balance-mujoco", "Our cart-pole plant simulated by MuJoCo, a cross-check of cartpole-balance (1000 steps of 0.01 s).",
            () => new MujocoCartPole(), new(Samples: 16, Horizon: 40, Knots: 4, Noise: 0.3, Workers)),
    ];

    private static EnvRegistration Line(string name, string description, Func<MujocoEnv> create, PlannerSettings settings) =>
        new(name, description, create, env => new PredictiveSamplingExpert((MujocoEnv)env, settings));
}

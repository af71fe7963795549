using System.Collections.Frozen;
using Qail.Envs.Physics;

namespace Qail.Envs;

/// <summary>The registry of built-in environments: a plain static table, no reflection (AOT-safe).</summary>
public static class Env
{
    // Each domain adds its own lines here: name, one-line description, constructor, expert.
    private static readonly EnvRegistration[] Table =
    [
        new("cartpole-balance", "Cart-pole starting near upright; keep the pole up (DMC reward, 1000 steps of 0.01 s).",
            () => new CartPole(swingUp: false), env => new CartPoleExpert((CartPole)env)),
        new("cartpole-swingup",
            "Cart-pole starting hanging down; swing up and balance (DMC reward, 1000 steps of 0.01 s).",
            () => new CartPole(swingUp: true), env => new CartPoleExpert((CartPole)env)),
        new("pendulum-swingup",
            "Torque-limited pendulum from a random angle; swing up and hold upright (1000 steps of 0.02 s).",
            () => new Pendulum(), env => new PendulumExpert((Pendulum)env)),
        new("acrobot-swingup", "Two-link acrobot actuated at the elbow; raise the tip a link length above the shoulder "
            + "(1000 steps of 0.02 s).",
            () => new Acrobot(), env => new AcrobotExpert((Acrobot)env)),
        new("reacher-easy",
            "Two-link planar arm; bring the fingertip to a random target of radius 5 cm (1000 steps of 0.02 s).",
            () => new Reacher(hard: false), env => new ReacherExpert((Reacher)env)),
        new("reacher-hard",
            "Two-link planar arm; bring the fingertip to a random target of radius 1.5 cm (1000 steps of 0.02 s).",
            () => new Reacher(hard: true), env => new ReacherExpert((Reacher)env)),
        new("point-mass",
            "Planar point mass driven by two forces; reach and stay at the origin (1000 steps of 0.02 s).",
            () => new PointMass(), env => new PointMassExpert((PointMass)env)),
        new("libero-spatial", "Tabletop pick-and-place, same objects in 10 layouts, the block named by position (64x64 "
            + "RGB + gripper state + instruction; 200 steps of 0.1 s).",
            () => new Manipulation.TabletopEnv(Manipulation.LiberoSuite.Spatial),
            env => new Manipulation.TabletopExpert((Manipulation.TabletopEnv)env)),
        new("libero-object", "Tabletop: put one of 10 target objects in the white bowl among distractors (64x64 RGB + "
            + "gripper state + instruction; 200 steps of 0.1 s).",
            () => new Manipulation.TabletopEnv(Manipulation.LiberoSuite.Object),
            env => new Manipulation.TabletopExpert((Manipulation.TabletopEnv)env)),
        new("libero-goal", "Tabletop: one layout, 10 goals (put in/on, stack, push beside) (64x64 RGB + gripper state "
            + "+ instruction; 200 steps of 0.1 s).",
            () => new Manipulation.TabletopEnv(Manipulation.LiberoSuite.Goal),
            env => new Manipulation.TabletopExpert((Manipulation.TabletopEnv)env)),
        new("libero-long", "Tabletop: 10 tasks of 2-3 chained sub-tasks (64x64 RGB + gripper state + instruction; 300 "
            + "steps of 0.1 s).",
            () => new Manipulation.TabletopEnv(Manipulation.LiberoSuite.Long),
            env => new Manipulation.TabletopExpert((Manipulation.TabletopEnv)env)),
        .. Driving.DrivingSuite.Registrations(),
        .. MuJoCo.MujocoTasks.Registrations(),
    ];

    private static readonly FrozenDictionary<string, EnvRegistration> ByName =
        Table.ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);

    /// <summary>All registered names, in table order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Table.Select(r => r.Name).ToArray());

    /// <summary>The registry lines (name, description, constructor, expert), in table order.</summary>
    public static IReadOnlyList<EnvRegistration> Registrations { get; } = Array.AsReadOnly(Table);

    /// <summary>Builds the named environment and resets it with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The name is not registered; the message lists the known names.</exception>
    public static IEnv Make(string name, int seed)
    {
        var env = Lookup(name).Create();
        env.Reset(seed);
        return env;
    }

    /// <summary>One line per environment: "name  description".</summary>
    public static string Describe()
    {
        int width = Table.Max(r => r.Name.Length);
        return string.Join(Environment.NewLine, Table.Select(r => $"{r.Name.PadRight(width)}  {r.Description}"));
    }

    /// <summary>The registry line for <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not registered; the message lists the known names.</exception>
    public static EnvRegistration Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (ByName.TryGetValue(name, out var registration)) return registration;
        throw new ArgumentException($"Env.Make: unknown environment '{name}'. Known: {string.Join(", ", Names)}.",
            nameof(name));
    }
}

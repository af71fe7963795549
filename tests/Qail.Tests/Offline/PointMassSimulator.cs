using Qail.Envs;

namespace Qail.Tests.Offline;

/// <summary>
/// The README's example of a user's own simulator behind <see cref="IEnv"/>: a 1-D point mass pushed towards the
/// origin (state: position, velocity; action: force in [-1, 1]). Any simulator, robot rig or log replayer that can
/// reset from a seed and step with an action plugs into closed-loop evaluation the same way.
/// </summary>
internal sealed class PointMassSimulator : IEnv
{
    private const double Dt = 0.05;
    private double _x, _v;
    private int _t;

    public string Name => "point-mass";

    public EnvSpec Spec { get; } = new(2, null, null, 0, new ActionSpace([-1f], [1f]), MaxSteps: 100, TimeStep: Dt);

    public Observation Reset(int seed)
    {
        var random = new Random(seed);
        (_x, _v, _t) = (random.NextDouble() * 2 - 1, 0, 0);
        return Observe();
    }

    public StepResult Step(ReadOnlySpan<float> action)
    {
        if (action.Length != 1 || !float.IsFinite(action[0]))
            throw new ArgumentException("point-mass: one finite force expected.", nameof(action));
        if (_t >= Spec.MaxSteps) throw new InvalidOperationException("point-mass: the episode is over.");
        _v += Math.Clamp(action[0], -1f, 1f) * Dt;
        _x += _v * Dt;
        _t++;
        bool success = Math.Abs(_x) < 0.05 && Math.Abs(_v) < 0.05;
        return new StepResult(Observe(), -Math.Abs(_x), false, _t >= Spec.MaxSteps,
            new StepInfo(success, new Dictionary<string, int>(), new Dictionary<string, double>()));
    }

    public RgbFrame Render() => new(1, 1, [0, 0, 0]);

    /// <summary>The expert the demonstrations come from: a saturated PD controller.</summary>
    public static float Expert(Observation o) => (float)Math.Clamp(-2.0 * o.State![0] - 1.5 * o.State[1], -1, 1);

    private Observation Observe() => new([(float)_x, (float)_v]);
}

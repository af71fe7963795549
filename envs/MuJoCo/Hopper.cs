using Qail.Envs.Physics;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's hopper-stand on our hopper model (0.02 s control steps of 4 physics steps).
/// Observation (15): qpos without rootx (6), qvel (7), log(1 + touch) at toe and heel (2).
/// Reward: tol(torso z - foot z, [0.6, 2]) x (4 + mean tol(ctrl, 0, margin 1, quadratic, 0)) / 5.
/// </summary>
public sealed class Hopper : MujocoEnv
{
    /// <summary>Torso height above the foot counted as standing [m].</summary>
    public const double StandHeight = 0.6;

    private readonly int _torso, _foot;

    /// <summary>Creates hopper-stand.</summary>
    public Hopper()
        : base("hopper-stand", MujocoModels.Load("hopper"), frameSkip: 4, observationSize: 15)
    {
        _torso = Model.BodyId("torso");
        _foot = Model.BodyId("foot");
    }

    /// <inheritdoc/>
    public override double Reward(MujocoData data)
    {
        double height = data.Xipos[3 * _torso + 2] - data.Xipos[3 * _foot + 2];
        double standing = Tolerance.Of(height, StandHeight, 2);
        return standing * SmallControl(data);
    }

    /// <summary>
    /// What the planner maximises: the step reward is flat (zero) until the torso is 0.6 m above the foot, so it adds
    /// smooth terms for getting there and staying: torso height above the foot (linear, full at 0.8 m), an upright
    /// torso, and once tall the whole body's centre of mass over the foot (balance).
    /// </summary>
    public override double PlanningObjective(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var xipos = data.Xipos;
        double height = xipos[3 * _torso + 2] - xipos[3 * _foot + 2];
        double upright = (1 + data.Xmat[9 * _torso + 8]) / 2;
        double tall = Tolerance.Of(height, 0.8, 2, margin: 1, Sigmoid.Linear, 0);
        double balance = Tolerance.Of(CentreOfMass(data).X - xipos[3 * _foot], -0.05, 0.05, margin: 0.3);
        return Reward(data) + 0.5 * tall + 0.25 * upright + 0.25 * tall * balance;
    }

    /// <summary>DeepMind Control's small-control factor (4 + mean quadratic tolerance of the controls) / 5.</summary>
    public static double SmallControl(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var ctrl = data.Ctrl;
        double sum = 0;
        foreach (double u in ctrl) sum += Tolerance.Of(u, 0, 0, margin: 1, Sigmoid.Quadratic, valueAtMargin: 0);
        return (4 + sum / Math.Max(ctrl.Length, 1)) / 5;
    }

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data)
    {
        var obs = new float[Spec.StateSize];
        int o = 0;
        var qpos = data.Qpos;
        for (int i = 1; i < qpos.Length; i++) obs[o++] = (float)qpos[i];
        foreach (double v in data.Qvel) obs[o++] = (float)v;
        var touch = data.SensorData;
        obs[o++] = (float)Math.Log(1 + touch[0]);
        obs[o] = (float)Math.Log(1 + touch[1]);
        return obs;
    }

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, MujocoData data) =>
        MujocoJoints.RandomizeLimitedAndRotational(Model, data, rng);
}

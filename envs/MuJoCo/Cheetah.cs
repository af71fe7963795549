using Qail.Envs.Physics;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's cheetah-run on our half-cheetah model (0.01 s control steps of 1 physics step).
/// Observation (17): qpos without rootx (8), qvel (9). Reward: tol(v_x, [10, inf), margin 10, linear, 0), v_x the
/// torso's forward velocity. Episodes start upright from random angles of the limited (leg) joints, let settle for 200
/// physics steps: as DMC's cheetah, which leaves the root's rotation alone (randomizing it, as the other tasks do,
/// would start half the episodes on the cheetah's back). Planners also score staying upright: without it predictive
/// sampling flips the cheetah onto its back within a few hundred steps and it runs on there at about 2 m/s.
/// </summary>
public sealed class Cheetah : MujocoEnv
{
    /// <summary>Forward speed that earns the full reward [m/s].</summary>
    public const double RunSpeed = 10;

    private readonly int _rootxDof, _torso;

    /// <summary>Creates cheetah-run.</summary>
    public Cheetah()
        : base("cheetah-run", MujocoModels.Load("cheetah"), frameSkip: 1, observationSize: 17)
    {
        _rootxDof = Model.DofAddress("rootx");
        _torso = Model.BodyId("torso");
    }

    /// <inheritdoc/>
    public override double Reward(MujocoData data) =>
        Tolerance.Of(data.Qvel[_rootxDof], RunSpeed, double.PositiveInfinity, RunSpeed, Sigmoid.Linear, 0);

    /// <summary>
    /// The reward plus one for a torso pitched less than 60 degrees, falling linearly to zero upside down. Chosen on
    /// training seed 200: weight 0 flipped the cheetah at planning horizons 40 and 60 (returns 223 and 160); weights
    /// 0.5, 1 and 2 kept it upright at horizon 40 (339-363), 1 and 2 at horizon 60 (641, 627).
    /// </summary>
    public override double PlanningObjective(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        double upright = data.Xmat[9 * _torso + 8];
        return Reward(data) + Tolerance.Of(upright, 0.5, double.PositiveInfinity, 1.5, Sigmoid.Linear, 0);
    }

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data)
    {
        var obs = new float[Spec.StateSize];
        int o = 0;
        var qpos = data.Qpos;
        for (int i = 1; i < qpos.Length; i++) obs[o++] = (float)qpos[i];
        foreach (double v in data.Qvel) obs[o++] = (float)v;
        return obs;
    }

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, MujocoData data)
    {
        var range = Model.JointRange;
        var address = Model.JointQposAddress;
        for (int j = 0; j < Model.JointCount; j++)
            if (range[2 * j] < range[2 * j + 1]) data.Qpos[address[j]] = rng.Uniform(range[2 * j], range[2 * j + 1]);
        data.Ctrl.Clear();
        for (int i = 0; i < 200; i++) data.Step();
    }
}

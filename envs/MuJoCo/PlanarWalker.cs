using Qail.Envs.Physics;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's walker tasks on our walker model (0.025 s control steps of 10 physics steps).
/// Observation (24): per body (torso, thighs, legs, feet) the xx and xz entries of its orientation, the torso height,
/// qvel (9). Reward: stand = (3 tol(torso z, [1.2, inf), margin 0.6) + (1 + torso zz) / 2) / 4; walk multiplies it by
/// (5 tol(v_x, [1, inf), margin 0.5, linear, 0.5) + 1) / 6, with v_x the torso's forward velocity.
/// </summary>
public sealed class PlanarWalker : MujocoEnv
{
    /// <summary>Torso height counted as standing [m].</summary>
    public const double StandHeight = 1.2;
    /// <summary>Forward speed of the walk task [m/s].</summary>
    public const double WalkSpeed = 1.0;

    private readonly int _torso, _rootxDof;

    /// <summary>walker-stand (<paramref name="speed"/> 0) or walker-walk (<paramref name="speed"/> 1).</summary>
    public PlanarWalker(double speed)
        : base(speed == 0 ? "walker-stand" : "walker-walk", MujocoModels.Load("walker"), frameSkip: 10,
            observationSize: 24)
    {
        Speed = speed;
        _torso = Model.BodyId("torso");
        _rootxDof = Model.DofAddress("rootx");
    }

    /// <summary>Target forward speed (0: stand).</summary>
    public double Speed { get; }

    /// <inheritdoc/>
    public override double Reward(MujocoData data)
    {
        double height = data.Xpos[3 * _torso + 2], upright = data.Xmat[9 * _torso + 8];
        double standing = Tolerance.Of(height, StandHeight, double.PositiveInfinity, margin: StandHeight / 2);
        double stand = (3 * standing + (1 + upright) / 2) / 4;
        if (Speed == 0) return stand;
        double move = Tolerance.Of(data.Qvel[_rootxDof], Speed, double.PositiveInfinity, Speed / 2, Sigmoid.Linear,
            valueAtMargin: 0.5);
        return stand * (5 * move + 1) / 6;
    }

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data)
    {
        var obs = new float[Spec.StateSize];
        var xmat = data.Xmat;
        int o = 0;
        for (int b = 1; b < Model.BodyCount; b++)
        {
            obs[o++] = (float)xmat[9 * b];
            obs[o++] = (float)xmat[9 * b + 2];
        }
        obs[o++] = (float)data.Xpos[3 * _torso + 2];
        foreach (double v in data.Qvel) obs[o++] = (float)v;
        return obs;
    }

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, MujocoData data) =>
        MujocoJoints.RandomizeLimitedAndRotational(Model, data, rng);
}

using Qail.Envs.Physics;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's humanoid-stand and humanoid-walk on MuJoCo's installed humanoid.xml (0.025 s control steps of
/// 5 physics steps). Observation (67): joint angles (21), head height, hands and feet relative to the torso in its
/// frame (12), the torso's z axis in the world (3), the torso's linear velocity (3), qvel (27). Reward:
/// tol(head z, [1.4, inf), margin 0.35) x tol(torso zz, [0.9, inf), linear, margin 1.9, 0) x small control x
/// (stand: mean tol(v_xy, 0, margin 2); walk: (5 tol(|v_xy|, [1, inf), margin 1, linear, 0) + 1) / 6).
/// </summary>
public sealed class Humanoid : MujocoEnv
{
    /// <summary>Head height counted as standing [m].</summary>
    public const double StandHeight = 1.4;

    private static readonly string[] Extremities = ["left_hand", "left_foot", "right_hand", "right_foot"];
    private readonly int _torso, _head, _leftFoot, _rightFoot;
    private readonly int[] _extremities;

    /// <summary>humanoid-stand (<paramref name="speed"/> 0) or humanoid-walk (<paramref name="speed"/> 1).</summary>
    public Humanoid(double speed)
        : base(speed == 0 ? "humanoid-stand" : "humanoid-walk", MujocoModels.LoadHumanoid(), frameSkip: 5,
            observationSize: 67)
    {
        Speed = speed;
        _torso = Model.BodyId("torso");
        _head = Model.BodyId("head");
        _leftFoot = Model.BodyId("left_foot");
        _rightFoot = Model.BodyId("right_foot");
        _extremities = Extremities.Select(Model.BodyId).ToArray();
    }

    /// <summary>Target walking speed (0: stand still).</summary>
    public double Speed { get; }

    /// <inheritdoc/>
    public override double Reward(MujocoData data)
    {
        double standing = Tolerance.Of(data.Xpos[3 * _head + 2], StandHeight, double.PositiveInfinity, StandHeight / 4);
        double upright = Tolerance.Of(data.Xmat[9 * _torso + 8], 0.9, double.PositiveInfinity, 1.9, Sigmoid.Linear, 0);
        double common = standing * upright * Hopper.SmallControl(data);
        double vx = data.Qvel[0], vy = data.Qvel[1];
        if (Speed == 0) return common * (Tolerance.Of(vx, 0, 0, margin: 2) + Tolerance.Of(vy, 0, 0, margin: 2)) / 2;
        double speed = Math.Sqrt(vx * vx + vy * vy);
        double move = Tolerance.Of(speed, Speed, double.PositiveInfinity, Speed, Sigmoid.Linear, 0);
        return common * (5 * move + 1) / 6;
    }

    /// <summary>
    /// The reward plus shaping for planners, since DMC's reward is flat while the humanoid lies on the floor: the
    /// head's height (linear up to the standing height), the torso's uprightness, and once the head is up the whole
    /// body's centre of mass over the feet (balance). Without it the planner never got up (11 over 300 steps).
    /// </summary>
    public override double PlanningObjective(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        double height = Tolerance.Of(data.Xpos[3 * _head + 2], StandHeight, double.PositiveInfinity, StandHeight,
            Sigmoid.Linear, 0);
        double upright = (1 + data.Xmat[9 * _torso + 8]) / 2;
        var xpos = data.Xpos;
        int left = 3 * _leftFoot, right = 3 * _rightFoot;
        var (comX, comY, _) = CentreOfMass(data);
        double fx = (xpos[left] + xpos[right]) / 2 - comX;
        double fy = (xpos[left + 1] + xpos[right + 1]) / 2 - comY;
        double balance = Tolerance.Of(Math.Sqrt(fx * fx + fy * fy), 0, 0, margin: 0.3);
        return Reward(data) + 0.5 * height + 0.25 * upright + 0.25 * height * balance;
    }

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data)
    {
        var obs = new float[Spec.StateSize];
        int o = 0;
        var qpos = data.Qpos;
        for (int i = 7; i < qpos.Length; i++) obs[o++] = (float)qpos[i];
        var xpos = data.Xpos;
        var xmat = data.Xmat;
        obs[o++] = (float)xpos[3 * _head + 2];
        var frame = xmat.Slice(9 * _torso, 9);
        foreach (int b in _extremities)
        {
            double dx = xpos[3 * b] - xpos[3 * _torso], dy = xpos[3 * b + 1] - xpos[3 * _torso + 1];
            double dz = xpos[3 * b + 2] - xpos[3 * _torso + 2];
            for (int c = 0; c < 3; c++) obs[o++] = (float)(dx * frame[c] + dy * frame[3 + c] + dz * frame[6 + c]);
        }
        for (int c = 0; c < 3; c++) obs[o++] = (float)frame[6 + c];
        for (int c = 0; c < 3; c++) obs[o++] = (float)data.Qvel[c];
        foreach (double v in data.Qvel) obs[o++] = (float)v;
        return obs;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As DMC's humanoid, draws again until MuJoCo finds no contact (about a quarter of draws touch).
    /// </remarks>
    protected override void Initialize(SplitMix64 rng, MujocoData data) =>
        MujocoJoints.DrawApart(Name, data, rng, (r, d) => MujocoJoints.RandomizeLimitedAndRotational(Model, d, r));
}

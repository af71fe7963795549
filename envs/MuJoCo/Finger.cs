namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's finger-spin on our finger model (0.02 s control steps of 2 physics steps).
/// Observation (9): finger joint angles (2), fingertip position relative to the spinner's hinge (x, z), qvel (3:
/// proximal, distal, hinge), log(1 + touch) on the fingertip's two faces (2). Reward: 1 while the spinner turns at
/// -15 rad/s or faster, else 0.
/// </summary>
public sealed class Finger : MujocoEnv
{
    /// <summary>Spin rate that earns the reward [rad/s], in the hinge's negative direction.</summary>
    public const double SpinVelocity = 15;

    private readonly int _proximal, _distal, _hinge, _hingeDof, _spinner, _distalBody;

    /// <summary>Creates finger-spin.</summary>
    public Finger()
        : base("finger-spin", MujocoModels.Load("finger"), frameSkip: 2, observationSize: 9)
    {
        _proximal = Model.QposAddress("proximal");
        _distal = Model.QposAddress("distal");
        _hinge = Model.QposAddress("hinge");
        _hingeDof = Model.DofAddress("hinge");
        _spinner = Model.BodyId("spinner");
        _distalBody = Model.BodyId("distal");
    }

    /// <summary>The spinner's angular velocity [rad/s].</summary>
    public double HingeVelocity(MujocoData data) => data.Qvel[_hingeDof];

    /// <inheritdoc/>
    public override double Reward(MujocoData data) => HingeVelocity(data) <= -SpinVelocity ? 1 : 0;

    /// <summary>
    /// The reward plus the spin rate up to twice the target, for planners: the step reward is flat below the target,
    /// and rewarding speed beyond it keeps a margin so the spinner's slow decay does not drop it under.
    /// </summary>
    public override double PlanningObjective(MujocoData data) =>
        Reward(data) + 0.5 * Math.Clamp(-HingeVelocity(data) / (2 * SpinVelocity), -1, 1);

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data)
    {
        var qpos = data.Qpos;
        var (tipX, tipZ) = Fingertip(data);
        var touch = data.SensorData;
        var qvel = data.Qvel;
        return [(float)qpos[_proximal], (float)qpos[_distal], (float)(tipX - data.Xpos[3 * _spinner]),
            (float)(tipZ - data.Xpos[3 * _spinner + 2]), (float)qvel[0], (float)qvel[1], (float)qvel[2],
            (float)Math.Log(1 + touch[0]), (float)Math.Log(1 + touch[1])];
    }

    /// <summary>The fingertip's (x, z) in the world: 0.18 m down the distal link.</summary>
    public (double X, double Z) Fingertip(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var xmat = data.Xmat;
        int b = _distalBody;
        return (data.Xpos[3 * b] - 0.18 * xmat[9 * b + 2], data.Xpos[3 * b + 2] - 0.18 * xmat[9 * b + 8]);
    }

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, MujocoData data)
    {
        MujocoJoints.RandomizeLimitedAndRotational(Model, data, rng);
        data.Qpos[_hinge] = rng.Uniform(-Math.PI, Math.PI);
    }
}

namespace Qail.Envs.MuJoCo;

/// <summary>
/// DeepMind Control's finger-spin on our finger model (0.02 s control steps of 2 physics steps).
/// Observation (9), DMC's: finger joint angles (2), the spinner's tip relative to its hinge (x, z; DMC's stand-in for
/// the hinge angle), qvel (3: proximal, distal, hinge), log(1 + touch) on the fingertip's two faces (2). Reward: 1
/// while the spinner turns at -15 rad/s or faster, else 0.
/// </summary>
public sealed class Finger : MujocoEnv
{
    /// <summary>Spin rate that earns the reward [rad/s], in the hinge's negative direction.</summary>
    public const double SpinVelocity = 15;

    /// <summary>Distance of the spinner's tip site from its hinge [m] (finger.xml).</summary>
    public const double TipRadius = 0.13;

    private readonly int _proximal, _distal, _hinge, _hingeDof, _spinner;

    /// <summary>Creates finger-spin.</summary>
    public Finger()
        : base("finger-spin", MujocoModels.Load("finger"), frameSkip: 2, observationSize: 9)
    {
        _proximal = Model.QposAddress("proximal");
        _distal = Model.QposAddress("distal");
        _hinge = Model.QposAddress("hinge");
        _hingeDof = Model.DofAddress("hinge");
        _spinner = Model.BodyId("spinner");
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
        var (tipX, tipZ) = SpinnerTip(data);
        var touch = data.SensorData;
        var qvel = data.Qvel;
        return [(float)qpos[_proximal], (float)qpos[_distal], (float)tipX, (float)tipZ, (float)qvel[0],
            (float)qvel[1], (float)qvel[2], (float)Math.Log(1 + touch[0]), (float)Math.Log(1 + touch[1])];
    }

    /// <summary>
    /// The spinner's tip (x, z) relative to its hinge: the site <see cref="TipRadius"/> up the spinner's local z axis,
    /// turned by the spinner's orientation. Without it a policy cannot see where the spinner's arms are.
    /// </summary>
    public (double X, double Z) SpinnerTip(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var xmat = data.Xmat;
        int b = _spinner;
        return (TipRadius * xmat[9 * b + 2], TipRadius * xmat[9 * b + 8]);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// As DMC's finger, draws again until MuJoCo finds no contact: a finger drawn inside the spinner's arm jams it,
    /// and no policy or planner can score there.
    /// </remarks>
    protected override void Initialize(SplitMix64 rng, MujocoData data) =>
        MujocoJoints.DrawApart(Name, data, rng, (r, d) =>
        {
            MujocoJoints.RandomizeLimitedAndRotational(Model, d, r);
            d.Qpos[_hinge] = r.Uniform(-Math.PI, Math.PI);
        });
}

using Qail.Envs.Physics;

namespace Qail.Envs.MuJoCo;

/// <summary>
/// cartpole-balance simulated by MuJoCo on a model of the same plant as our own <see cref="CartPole"/>, with the
/// same initial-state draw, observation (x, cos theta, sin theta, x', theta') and reward, so the two cross-check
/// each other (0.01 s control steps of 2 RK4 physics steps).
/// </summary>
public sealed class MujocoCartPole : MujocoEnv
{
    private readonly CartPole _reference = new(swingUp: false);

    /// <summary>Creates cartpole-balance-mujoco.</summary>
    public MujocoCartPole()
        : base("cartpole-balance-mujoco", MujocoModels.Load("cartpole"), frameSkip: 2, observationSize: 5)
    {
    }

    /// <summary>The state in our CartPole's convention: (x, theta, x', theta').</summary>
    public static double[] State(MujocoData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return [data.Qpos[0], data.Qpos[1], data.Qvel[0], data.Qvel[1]];
    }

    /// <inheritdoc/>
    public override double Reward(MujocoData data) => _reference.Reward(State(data), data.Ctrl);

    /// <inheritdoc/>
    public override float[] Observe(MujocoData data) => _reference.Observe(State(data));

    /// <inheritdoc/>
    protected override void Initialize(SplitMix64 rng, MujocoData data)
    {
        // The same draw as CartPole's balance task, so a seed starts both envs in the same state.
        data.Qpos[0] = rng.Uniform(-0.1, 0.1);
        data.Qpos[1] = rng.Uniform(-0.034, 0.034);
        data.Qvel[0] = 0.01 * rng.NextGaussian();
        data.Qvel[1] = 0.01 * rng.NextGaussian();
    }

    /// <inheritdoc/>
    protected override bool IsSuccess(MujocoData data) =>
        Math.Abs(Angles.Wrap(data.Qpos[1])) < CartPole.AngleLimit && Math.Abs(data.Qpos[0]) < CartPole.PositionLimit;
}

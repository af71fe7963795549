using Qail.Envs.MuJoCo;
using Qail.Envs.Physics;

namespace Qail.Envs.Tests.MuJoCo;

public class MujocoBindingTests
{
    internal static void RequireMujoco() => Skip.IfNot(Mujoco.IsAvailable, Mujoco.UnavailableReason);

    internal static void RequireHumanoid()
    {
        RequireMujoco();
        Skip.IfNot(File.Exists(MujocoModels.HumanoidPath),
            $"{MujocoModels.HumanoidPath} is missing (apt-get install libmujoco-samples)");
    }

    [Fact]
    public void Only_version_2_2_2_is_accepted_and_a_refusal_names_the_package()
    {
        Assert.Null(Mujoco.VersionProblem(222));
        var problem = Mujoco.VersionProblem(312);
        Assert.NotNull(problem);
        Assert.Contains("3.1.2", problem);
        Assert.Contains("libmujoco2.2.2", problem);
    }

    [Fact]
    public void Unavailable_mujoco_says_which_package_to_install()
    {
        if (Mujoco.IsAvailable) return;
        Assert.Contains("apt-get install", Mujoco.UnavailableReason);
        var e = Assert.Throws<MujocoUnavailableException>(() => Env.Make("walker-stand", 0));
        Assert.Contains("libmujoco2.2.2", e.Message);
    }

    [SkippableFact]
    public void Compiler_errors_are_surfaced_in_one_line()
    {
        RequireMujoco();
        const string sizeless = "<mujoco><worldbody><geom type='sphere'/></worldbody></mujoco>";
        var e = Assert.Throws<ArgumentException>(() => MujocoModel.FromXml(sizeless));
        Assert.Contains("size", e.Message);
        Assert.DoesNotContain("\n", e.Message);
        Assert.Throws<ArgumentException>(() => MujocoModel.FromXml("<mujoco><worldbody>"));
        var missing = Assert.Throws<ArgumentException>(() => MujocoModel.FromFile("/nonexistent/robot.xml"));
        Assert.Contains("/nonexistent/robot.xml", missing.Message);
    }

    [SkippableFact]
    public void Sizes_parameters_and_names_read_back_as_written()
    {
        RequireMujoco();
        using var walker = MujocoModels.Load("walker");
        Assert.Equal((9, 9, 6, 8), (walker.Nq, walker.Nv, walker.Nu, walker.BodyCount));
        Assert.Equal(0.0025, walker.Timestep);
        Assert.Equal([-1.0, 1.0, -1.0, 1.0], walker.ActuatorControlRange[..4].ToArray());
        Assert.Equal(3, walker.QposAddress("right_hip"));
        Assert.Equal(-1, walker.BodyId("no_such_body"));
        Assert.Throws<ArgumentException>(() => walker.QposAddress("no_such_joint"));
        using var data = new MujocoData(walker);
        data.Forward();
        Assert.Equal(1.3, data.Xpos[3 * walker.BodyId("torso") + 2], 12);
        Assert.Equal([1.0, 0, 0, 0], data.Xquat.Slice(4 * walker.BodyId("torso"), 4).ToArray());
    }

    [SkippableFact]
    public void Installed_humanoid_loads_from_the_package_path()
    {
        RequireHumanoid();
        using var humanoid = MujocoModels.LoadHumanoid();
        Assert.Equal((28, 27, 21), (humanoid.Nq, humanoid.Nv, humanoid.Nu));
        Assert.Equal(0.005, humanoid.Timestep);
    }

    [SkippableFact]
    public void Saved_state_replays_the_same_bits()
    {
        RequireMujoco();
        using var model = MujocoModels.Load("hopper");
        using var data = new MujocoData(model);
        data.Ctrl.Fill(0.3);
        for (int i = 0; i < 50; i++) data.Step();
        var state = new double[data.StateSize];
        data.SaveState(state);
        for (int i = 0; i < 100; i++) data.Step();
        var first = data.Qpos.ToArray().Concat(data.Qvel.ToArray()).ToArray();
        using var other = new MujocoData(model);
        other.RestoreState(state);
        for (int i = 0; i < 100; i++) other.Step();
        Assert.Equal(first, other.Qpos.ToArray().Concat(other.Qvel.ToArray()).ToArray());
        Assert.Throws<ArgumentException>(() => other.RestoreState(new double[3]));
    }

    [SkippableFact]
    public void A_model_copy_with_another_timestep_leaves_the_original_and_steps_coarser()
    {
        RequireMujoco();
        const string ball = "<mujoco><option timestep='0.005'/><worldbody><body pos='0 0 1'><freejoint/>" +
                            "<geom type='sphere' size='0.1'/></body></worldbody></mujoco>";
        using var model = MujocoModel.FromXml(ball);
        using var same = model.WithTimestep(model.Timestep);
        using var coarse = model.WithTimestep(0.01);
        Assert.Equal(0.005, model.Timestep);
        Assert.Equal(0.01, coarse.Timestep);
        double[] Fall(MujocoModel m, int steps)
        {
            using var data = new MujocoData(m);
            for (int i = 0; i < steps; i++) data.Step();
            return data.Qpos.ToArray();
        }
        // Semi-implicit Euler from rest: after n steps of dt the ball has dropped g dt^2 n (n + 1) / 2.
        static double Height(double dt, int n) => 1 - 9.81 * dt * dt * n * (n + 1) / 2;
        var fine = Fall(model, 20);
        Assert.Equal(fine, Fall(same, 20));
        Assert.Equal(Height(0.005, 20), fine[2], 12);
        Assert.Equal(Height(0.01, 10), Fall(coarse, 10)[2], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.WithTimestep(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => model.WithTimestep(double.NaN));
    }

    [SkippableFact]
    public void MuJoCo_cartpole_tracks_our_own_cartpole()
    {
        RequireMujoco();
        using var mujoco = new MujocoCartPole();
        var ours = new CartPole(swingUp: false);
        mujoco.Reset(7);
        ours.Reset(7);
        var rng = new SplitMix64(3);
        for (int t = 0; t < 200; t++)
        {
            float[] action = [(float)rng.Uniform(-1, 1)];
            var a = mujoco.Step(action);
            var b = ours.Step(action);
            Assert.Equal(b.Reward, a.Reward, 4);
        }
        var state = MujocoCartPole.State(mujoco.Data);
        for (int i = 0; i < 4; i++) Assert.Equal(ours.PhysicalState[i], state[i], 4);
    }
}

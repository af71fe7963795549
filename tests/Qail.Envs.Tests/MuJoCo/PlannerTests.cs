using Qail.Envs.MuJoCo;

namespace Qail.Envs.Tests.MuJoCo;

public class PlannerTests
{
    // Three candidate plans of two values each.
    private static readonly double[] Candidates = [0, 0, 1, 2, 4, 8];

    [Fact]
    public void Zero_temperature_keeps_the_best_candidate()
    {
        var nominal = new double[2];
        PlanUpdate.Apply(Candidates, [0.5, 3, 1], 0, nominal);
        Assert.Equal(new double[] { 1, 2 }, nominal);
    }

    [Fact]
    public void A_temperature_averages_with_weights_relative_to_the_spread()
    {
        var nominal = new double[2];
        double[] returns = [0, 10, 5];
        PlanUpdate.Apply(Candidates, returns, 0.5, nominal);
        // Spread 10, temperature 0.5: weights exp((r - 10) / 5).
        double[] w = returns.Select(r => Math.Exp((r - 10) / 5)).ToArray();
        for (int k = 0; k < 2; k++)
        {
            double expected = (w[0] * Candidates[k] + w[1] * Candidates[2 + k] + w[2] * Candidates[4 + k]) / w.Sum();
            Assert.Equal(expected, nominal[k], 12);
        }
        // Scaling every return leaves the weights, hence the plan, unchanged.
        var scaled = new double[2];
        PlanUpdate.Apply(Candidates, returns.Select(r => 1000 * r - 7).ToArray(), 0.5, scaled);
        Assert.Equal(nominal[0], scaled[0], 9);
        Assert.Equal(nominal[1], scaled[1], 9);
    }

    [Fact]
    public void Equal_returns_or_a_losing_nan_keep_a_candidate()
    {
        var nominal = new double[2];
        PlanUpdate.Apply(Candidates, [1, 1, 1], 0.3, nominal);
        Assert.Equal(new double[] { 0, 0 }, nominal);
        PlanUpdate.Apply(Candidates, [1, double.NegativeInfinity, 2], 0.3, nominal);
        Assert.Equal(new double[] { 4, 8 }, nominal);
    }

    [Fact]
    public void Bad_plan_updates_and_settings_are_rejected_by_name()
    {
        var nominal = new double[2];
        Assert.Throws<ArgumentException>(() => PlanUpdate.Apply(Candidates, [1, 2], 0, nominal));
        Assert.Throws<ArgumentException>(() => PlanUpdate.Apply(Candidates, [1, 2, 3], -1, nominal));
        var e = Assert.Throws<ArgumentException>(
            () => new PlannerSettings(8, 10, 3, 0.5, 1, FineNoise: -0.1).Validate());
        Assert.Contains("FineNoise", e.Message);
        e = Assert.Throws<ArgumentException>(() => new PlannerSettings(8, 10, 3, 0.5, 1, double.NaN).Validate());
        Assert.Contains("Temperature", e.Message);
        e = Assert.Throws<ArgumentException>(() => new PlannerSettings(8, 10, 3, 0.5, 1, RolloutSteps: -1).Validate());
        Assert.Contains("RolloutSteps", e.Message);
    }

    [Fact]
    public void Settings_print_rollout_steps_only_when_set_so_kept_demonstrations_keep_their_keys()
    {
        var settings = new PlannerSettings(64, 50, 6, 0.8, 1, FineNoise: 0.2);
        Assert.Equal("PlannerSettings { Samples = 64, Horizon = 50, Knots = 6, Noise = 0.8, Workers = 1, " +
                     "Temperature = 0, FineNoise = 0.2 }", settings.ToString());
        Assert.EndsWith("FineNoise = 0.2, RolloutSteps = 2 }", (settings with { RolloutSteps = 2 }).ToString());
    }

    [SkippableFact]
    public void Rollouts_at_the_envs_own_steps_plan_as_before_and_coarser_ones_plan_apart()
    {
        MujocoBindingTests.RequireMujoco();
        float[][] Plan(int rolloutSteps, int workers) =>
            HopperActions(new PlannerSettings(6, 5, 3, 0.8, workers, Temperature: 0.2, RolloutSteps: rolloutSteps));
        int frameSkip;
        using (var hopper = new Hopper()) frameSkip = hopper.FrameSkip;
        var own = Plan(0, 1);
        Assert.Equal(own, Plan(frameSkip, 1));
        var coarse = Plan(2, 1);
        Assert.NotEqual(own, coarse);
        Assert.Equal(coarse, Plan(2, 3));
    }

    [SkippableFact]
    public void The_hopper_objective_prefers_standing_balanced_to_lying()
    {
        MujocoBindingTests.RequireMujoco();
        using var hopper = new Hopper();
        var data = hopper.Data;
        data.Reset();
        data.Forward();
        double standing = hopper.PlanningObjective(data);
        Assert.InRange(hopper.CentreOfMass(data).X, -0.01, 0.06);
        data.Qpos[1] = -0.9;
        data.Qpos[2] = Math.PI / 2;
        data.Forward();
        double lying = hopper.PlanningObjective(data);
        Assert.True(standing > lying + 1, $"standing {standing:F2} vs lying {lying:F2}");
        Assert.Equal(0, hopper.Reward(data));
    }

    [SkippableFact]
    public void Fine_noise_and_mppi_plans_do_not_depend_on_the_worker_count()
    {
        MujocoBindingTests.RequireMujoco();
        float[][] Plan(int workers) =>
            HopperActions(new PlannerSettings(Samples: 6, Horizon: 5, Knots: 3, Noise: 0.8, workers, 0.2,
                FineNoise: 0.1));
        Assert.Equal(Plan(1), Plan(3));
    }

    // The planner's first three actions on a hopper from seed 7.
    private static float[][] HopperActions(PlannerSettings settings)
    {
        using var env = new Hopper();
        env.Reset(7);
        using var expert = new PredictiveSamplingExpert(env, settings);
        var actions = new float[3][];
        for (int t = 0; t < 3; t++)
        {
            actions[t] = expert.Act(env);
            env.Step(actions[t]);
        }
        return actions;
    }

    [SkippableFact]
    public void Cheetah_planners_prefer_an_upright_torso_and_its_reward_ignores_the_pitch()
    {
        MujocoBindingTests.RequireMujoco();
        using var env = new Cheetah();
        (double Reward, double Objective) Score(double pitch)
        {
            env.Reset(1);
            env.Data.Qpos[env.Model.QposAddress("rooty")] = pitch;
            env.Data.Qvel[env.Model.DofAddress("rootx")] = 4;
            env.Data.Forward();
            return (env.Reward(env.Data), env.PlanningObjective(env.Data));
        }
        var upright = Score(0);
        var flipped = Score(Math.PI);
        Assert.Equal(0.4, upright.Reward, 12);
        Assert.Equal(upright.Reward, flipped.Reward);
        Assert.Equal(1, upright.Objective - upright.Reward, 9);
        Assert.Equal(0, flipped.Objective - flipped.Reward, 9);
    }

    [SkippableFact]
    public void Humanoid_planners_are_drawn_from_the_floor_to_standing()
    {
        MujocoBindingTests.RequireHumanoid();
        using var env = new Humanoid(0);
        double Shaping(double rootHeight, double pitch)
        {
            env.Reset(1);
            var qpos = env.Data.Qpos;
            qpos.Clear();
            qpos[2] = rootHeight;
            qpos[3] = Math.Cos(pitch / 2);
            qpos[5] = Math.Sin(pitch / 2);
            env.Data.Qvel.Clear();
            env.Data.Forward();
            return env.PlanningObjective(env.Data) - env.Reward(env.Data);
        }
        double standing = Shaping(1.4, 0), lying = Shaping(0.15, Math.PI / 2);
        Assert.Equal(1, standing, 2);
        Assert.InRange(lying, 0, 0.4);
    }
}

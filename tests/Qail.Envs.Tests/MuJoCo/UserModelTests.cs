using Qail.Envs.MuJoCo;
using Qail.Envs.Physics;

namespace Qail.Envs.Tests.MuJoCo;

public class UserModelTests
{
    // A user's robot: a slider that should hold its block between 0.4 and 0.6 m, with a C# reward (README example).
    private const string Xml = """
        <mujoco model="user-slider">
          <option timestep="0.01"/>
          <worldbody>
            <body name="block">
              <joint name="x" type="slide" axis="1 0 0" damping="1"/>
              <geom type="box" size="0.05 0.05 0.05" mass="1"/>
            </body>
          </worldbody>
          <actuator><motor joint="x" gear="5" ctrllimited="true" ctrlrange="-1 1"/></actuator>
        </mujoco>
        """;

    private sealed class Slider()
        : MujocoEnv("user-slider", MujocoModel.FromXml(Xml), frameSkip: 5, observationSize: 2, episodeSteps: 30)
    {
        private readonly int _block = 1;

        public override double Reward(MujocoData d) => Tolerance.Of(d.Xpos[3 * _block], 0.4, 0.6, margin: 0.5);

        public override float[] Observe(MujocoData d) => [(float)d.Qpos[0], (float)d.Qvel[0]];

        protected override void Initialize(SplitMix64 rng, MujocoData d) => d.Qpos[0] = rng.Uniform(-0.1, 0.1);
    }

    [SkippableFact]
    public void A_user_model_with_a_csharp_reward_is_planned_and_recorded()
    {
        MujocoBindingTests.RequireMujoco();
        var settings = new PlannerSettings(Samples: 16, Horizon: 20, Knots: 3, Noise: 0.5, Workers: 2);
        var demos = Qail.Envs.Demonstrations.Collect(() => new Slider(),
            env => new PredictiveSamplingExpert((MujocoEnv)env, settings),
            episodes: 2, seed: 1);
        Assert.Equal(60, demos.Steps);
        Assert.Equal(2, demos.StateSize);
        double lastReward = demos.Rewards[29];
        Assert.True(lastReward > 0.9, $"the planner left the block outside its band (reward {lastReward:F2})");
    }
}

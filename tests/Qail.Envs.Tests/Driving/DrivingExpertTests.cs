using Qail.Envs.Driving;

namespace Qail.Envs.Tests.Driving;

public class DrivingExpertTests
{
    // Measured: 20/20 here; 100/100 over seeds 0..99 of driving-nocrash-tt (regular traffic).
    [Fact]
    public void Expert_completes_at_least_90_percent_of_train_town_routes()
    {
        var env = (DrivingEnv)Env.Make("driving-nocrash-tt", 0);
        var expert = Expert.For(env);
        int successes = 0, episodes = 20;
        for (int seed = 0; seed < episodes; seed++)
        {
            env.Reset(1000 + seed);
            StepResult result;
            do result = env.Step(expert.Act(env));
            while (!result.Done);
            if (result.Info.Success)
            {
                successes++;
                Assert.Equal(100.0, result.Info.Metrics["route_completion"], 6);
                Assert.Equal(0, result.Info.Infractions[Infractions.CollisionVehicle]);
            }
        }
        Assert.True(successes >= 0.9 * episodes, $"expert succeeded on {successes}/{episodes} routes");
    }

    [Fact]
    public void Expert_is_bound_to_its_env()
    {
        var a = (DrivingEnv)Env.Make("driving-nocrash-tt", 0);
        var b = Env.Make("driving-nocrash-tt", 0);
        Assert.Throws<ArgumentException>(() => new DrivingExpert(a).Act(b));
    }
}

using System.Diagnostics;
using Qail.Envs.Physics;
using Xunit.Abstractions;

namespace Qail.Envs.Tests.Physics;

public class ExpertTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cartpole-balance", 100, 0.95)]
    [InlineData("cartpole-swingup", 40, 0.95)]
    [InlineData("pendulum-swingup", 60, 0.95)]
    [InlineData("reacher-easy", 60, 0.95)]
    [InlineData("reacher-hard", 60, 0.95)]
    [InlineData("point-mass", 60, 0.95)]
    public void Expert_succeeds_on_most_seeds(string name, int episodes, double requiredRate)
    {
        var clock = Stopwatch.StartNew();
        int successes = 0;
        double meanReturn = 0;
        for (int seed = 0; seed < episodes; seed++)
        {
            var env = Env.Make(name, 1000 + seed);
            var expert = Expert.For(env);
            StepResult result;
            double total = 0;
            do
            {
                result = env.Step(expert.Act(env));
                total += result.Reward;
            } while (!result.Done);
            Assert.InRange(total, 0, PhysicsEnv.EpisodeSteps);
            meanReturn += total / episodes;
            if (result.Info.Success) successes++;
        }
        double rate = (double)successes / episodes;
        output.WriteLine(
            $"{name}: success {successes}/{episodes}, mean return {meanReturn:F1}, {clock.ElapsedMilliseconds} ms");
        Assert.True(rate >= requiredRate, $"{name}: expert success {rate:P0} < {requiredRate:P0}");
    }

    [Fact]
    public void Acrobot_mpc_expert_raises_the_tip_on_most_seeds()
    {
        const int episodes = 6;
        int successes = 0;
        for (int seed = 0; seed < episodes; seed++)
        {
            var env = Env.Make("acrobot-swingup", 1000 + seed);
            var expert = Expert.For(env);
            StepResult result;
            do result = env.Step(expert.Act(env)); while (!result.Done && !result.Info.Success);
            if (result.Info.Success) successes++;
        }
        output.WriteLine($"acrobot-swingup: tip raised in {successes}/{episodes}");
        Assert.True(successes >= 5, $"acrobot MPC expert raised the tip in only {successes}/{episodes} episodes");
    }

    [Fact]
    public void Balance_expert_fails_without_control_so_success_is_meaningful()
    {
        var env = Env.Make("cartpole-balance", 1);
        StepResult result;
        do result = env.Step([0f]); while (!result.Done);
        Assert.False(result.Info.Success);
    }
}

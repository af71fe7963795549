using Qail.Envs.Manipulation;
using Xunit.Abstractions;

namespace Qail.Envs.Tests.Manipulation;

public sealed class ExpertSuccessTests(ITestOutputHelper output)
{
    // 30 seeds per suite: every task three times (the seed picks task seed mod 10).
    private const int Seeds = 30;

    [Theory]
    [InlineData("libero-spatial")]
    [InlineData("libero-object")]
    [InlineData("libero-goal")]
    [InlineData("libero-long")]
    public void ExpertSucceedsOnAtLeast90PercentOfEpisodes(string name)
    {
        var env = (TabletopEnv)Env.Make(name, 0);
        var expert = Expert.For(env);
        int successes = 0, steps = 0;
        var failures = new List<string>();
        for (int seed = 0; seed < Seeds; seed++)
        {
            env.Reset(seed);
            StepResult result;
            do
            {
                result = env.Step(expert.Act(env));
            } while (!result.Done);
            steps += env.StepCount;
            if (result.Info.Success) successes++;
            else
                failures.Add($"seed {seed} task {env.TaskIndex} ({env.GoalsDone}/{env.Task.Goals.Count} goals): "
                    + $"{env.Task.Instruction}");
        }
        double rate = (double)successes / Seeds;
        output.WriteLine($"{name}: expert success {successes}/{Seeds} = {rate:P0}, mean episode "
            + $"{steps / (double)Seeds:F0} steps");
        foreach (var f in failures) output.WriteLine("  failed " + f);
        Assert.True(rate >= 0.9, $"{name}: expert success {rate:P0} < 90%: {string.Join("; ", failures)}");
    }

    // DART-style: Gaussian noise (5 mm per step on each axis) added to the executed motion; the reactive plan recovers.
    [Theory]
    [InlineData("libero-spatial")]
    [InlineData("libero-object")]
    [InlineData("libero-goal")]
    [InlineData("libero-long")]
    public void ExpertRecoversFromNoiseInTheExecutedActions(string name)
    {
        const int episodes = 20;
        var env = (TabletopEnv)Env.Make(name, 0);
        var expert = Expert.For(env);
        int successes = 0;
        for (int seed = 100; seed < 100 + episodes; seed++)
        {
            env.Reset(seed);
            var rng = SplitMix64.Derive(seed, 77);
            StepResult result;
            do
            {
                float[] action = expert.Act(env);
                for (int d = 0; d < 3; d++) action[d] += (float)(0.005 * rng.NextGaussian());
                result = env.Step(action);
            } while (!result.Done);
            if (result.Info.Success) successes++;
        }
        output.WriteLine($"{name}: expert success under 5 mm action noise {successes}/{episodes}");
        Assert.True(successes >= 0.9 * episodes, $"{name}: {successes}/{episodes} successes under action noise");
    }
}

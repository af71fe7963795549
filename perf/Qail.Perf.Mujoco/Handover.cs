using System.Globalization;
using Qail.Envs;
using Qail.Policies;
using Qail.Training;

namespace Qail.Perf.Mujoco;

/// <summary>
/// Which phase of an episode a behaviour clone fails: clones the demonstrations as <c>qail train --seed 1</c> does
/// (256x256 MLP, 20 epochs, no early stopping), then on validation seeds runs the task's expert for the first H steps
/// and the clone for the rest, printing the return of each part.
/// </summary>
internal static class Handover
{
    private const int ValidationSeed = 500_000;

    public static void Run(string demonstrationsPath, int[] handovers, int episodes)
    {
        var demos = Demonstrations.Load(demonstrationsPath);
        // One env and one expert serve every episode: the planner starts a fresh plan when its env is reset.
        var env = Env.Lookup(demos.EnvName).Create();
        var expert = Expert.For(env);
        try
        {
            if (PolicyFactory.FamilyFor(env.Spec) != "mlp")
                throw new ArgumentException($"handover: {demos.EnvName} is not a state-vector env (MLP clones only).");
            var network = new MlpPolicy(env.Spec, [256, 256], seed: 2);
            var report = BehaviourCloning.Train(network, demos, new TrainOptions { Epochs = 20, Seed = 3 });
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"clone of {demos.Episodes} episodes of {demos.EnvName}: final training loss {report.FinalLoss:G4}"));
            var clone = new EvalModePolicy(network, "clone");
            foreach (int handover in handovers)
                for (int seed = ValidationSeed; seed < ValidationSeed + episodes; seed++)
                    RunEpisode(env, expert, clone, seed, handover);
        }
        finally
        {
            (expert as IDisposable)?.Dispose();
            (env as IDisposable)?.Dispose();
        }
    }

    private static void RunEpisode(IEnv env, IExpert expert, EvalModePolicy clone, int seed, int handover)
    {
        var observation = env.Reset(seed);
        double expertReturn = 0, cloneReturn = 0;
        int expertSteps = 0, cloneSteps = 0;
        bool done = false;
        for (; expertSteps < handover && !done; expertSteps++)
        {
            var step = env.Step(expert.Act(env));
            (expertReturn, observation, done) = (expertReturn + step.Reward, step.Observation, step.Done);
        }
        for (; !done; cloneSteps++)
        {
            var step = env.Step(clone.Act(observation));
            (cloneReturn, observation, done) = (cloneReturn + step.Reward, step.Observation, step.Done);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"seed {seed}: expert {expertReturn:F1} over {expertSteps} steps, then clone {cloneReturn:F1} over " +
            $"{cloneSteps}"));
    }
}

using Qail.Cli.Commands;
using Qail.Envs;

namespace Qail.Fuzz;

/// <summary>
/// One reader under fuzzing: loads a file and uses what it loaded. Faults of the reader's own type mean "refused";
/// any other exception escapes, which is what AFL / libFuzzer (and the plain loop) count as a crash.
/// </summary>
internal sealed class FuzzTarget(string name, Func<string, bool> load)
{
    /// <summary>"demos" or "policy".</summary>
    public string Name { get; } = name;

    /// <summary>True when the file was accepted, false when refused; throws on anything unforeseen.</summary>
    public bool Load(string path) => load(path);

    /// <summary>The targets by name.</summary>
    public static IReadOnlyDictionary<string, FuzzTarget> All { get; } =
        new Dictionary<string, FuzzTarget>(StringComparer.Ordinal)
    {
        ["demos"] = new("demos", Demos),
        ["policy"] = new("policy", Policy),
    };

    private static readonly Observation[] Observations = [.. Enumerable.Range(0, 2)
        .Select(Env.Make("cartpole-balance", 0).Reset)];

    private static bool Demos(string path)
    {
        try
        {
            var demos = Demonstrations.Load(path);
            if (demos.Rewards.Any(r => !float.IsFinite(r)))
                throw new InvalidOperationException("accepted a non-finite reward");
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static bool Policy(string path)
    {
        LoadedPolicy loaded;
        try
        {
            loaded = PolicyFile.Load(path, "--policy");
        }
        catch (InvalidDataException)
        {
            return false;
        }
        foreach (var observation in Observations)
        {
            try
            {
                if (loaded.Policy.Act(observation).Any(a => !float.IsFinite(a)))
                    throw new InvalidOperationException("acted with a non-finite value");
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException)
            {
                // A policy for another env refuses the observation: a clean refusal.
            }
        }
        return true;
    }
}

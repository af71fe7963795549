using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Qail.Envs;

/// <summary>
/// Demonstrations stored under a name derived from their content's recipe (env, its description, the expert and its
/// settings, a probe of both, episodes, seed, noise), so slow experts such as the MuJoCo planners run once per recipe.
/// A cached file is validated on load like any untrusted file; a corrupted one is collected again and replaced.
/// </summary>
public static class DemonstrationCache
{
    /// <summary>Reset seed of the probe run that fingerprints an env and its expert.</summary>
    public const int ProbeSeed = 7_777;

    /// <summary>Expert steps of the probe run.</summary>
    public const int ProbeSteps = 3;

    /// <summary>
    /// The default directory: $XDG_CACHE_HOME/qail/demonstrations, else ~/.cache/qail/demonstrations.
    /// </summary>
    public static string DefaultDirectory =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "qail", "demonstrations");

    /// <summary>
    /// Where the registered expert's work on <paramref name="envName"/> is cached by default:
    /// <see cref="DefaultDirectory"/> for the MuJoCo tasks (planner experts, minutes an episode), else null (the other
    /// experts take seconds, so their episodes are run afresh).
    /// </summary>
    public static string? DirectoryFor(string envName) =>
        MuJoCo.MujocoTasks.ExpertSettings(envName) is null ? null : DefaultDirectory;

    /// <summary>The content key (64 hex digits) of a collection recipe.</summary>
    /// <exception cref="ArgumentException">The env is not registered.</exception>
    public static string Key(string envName, int episodes, int seed, double actionNoise, int maxSteps = 0)
    {
        string recipe = Recipe(envName, episodes, seed, actionNoise);
        // Whole episodes keep the key they always had; a step cap is part of the recipe.
        if (maxSteps > 0) recipe += string.Create(CultureInfo.InvariantCulture, $"\nsteps {maxSteps}");
        return Hash(recipe);
    }

    /// <summary>
    /// The content key of DAgger's episodes: a learner (known by <paramref name="learnerFingerprint"/>, a hash of
    /// its weights and type) driving the env from episode <paramref name="firstIndex"/> of the seed stream on, every
    /// state labelled by the registered expert.
    /// </summary>
    /// <exception cref="ArgumentException">The env is not registered.</exception>
    public static string OnPolicyKey(string envName, string learnerFingerprint, int episodes, int seed,
        int firstIndex) =>
        Hash(Recipe(envName, episodes, seed, actionNoise: 0)
            + string.Create(CultureInfo.InvariantCulture, $"\non-policy {learnerFingerprint}\nfirst {firstIndex}"));

    /// <summary>
    /// The content key of the registered expert acting on its env (env, description, expert settings, probe): what
    /// an episode of the expert scores depends on nothing else but the episode's seed.
    /// </summary>
    /// <exception cref="ArgumentException">The env is not registered.</exception>
    public static string ExpertKey(string envName)
    {
        var registration = Env.Lookup(envName);
        return Hash($"expert\n{envName}\n{registration.Description}\n{ExpertName(envName)}\n"
            + $"probe {Probe(registration)}");
    }

    private static string Recipe(string envName, int episodes, int seed, double actionNoise)
    {
        var registration = Env.Lookup(envName);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Demonstrations.Format}\n{envName}\n{registration.Description}\n{ExpertName(envName)}\n" +
            $"{episodes}\n{seed}\n{actionNoise:R}\nprobe {Probe(registration)}");
    }

    // The worker count does not change a planner's choices, so it is not part of the recipe.
    private static string ExpertName(string envName) =>
        MuJoCo.MujocoTasks.ExpertSettings(envName) is { } settings
            ? (settings with { Workers = 1 }).ToString()
            : "registered expert";

    private static string Hash(string recipe) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)));

    // A few expert steps from a fixed seed, hashed (observations, rewards, actions): an edit to an env's observations,
    // rewards or dynamics, or to its expert's planning objective, gives another key, so stale demonstrations recorded
    // before the edit are never reused (settings and descriptions alone miss such edits).
    private static string Probe(EnvRegistration registration)
    {
        var env = registration.Create();
        var expert = registration.Expert(env);
        // MuJoCo envs and planners own native model and data memory: freed here, not left to finalizers.
        using var ownedEnv = env as IDisposable;
        using var ownedExpert = expert as IDisposable;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(ReadOnlySpan<float> values) => hash.AppendData(MemoryMarshal.AsBytes(values));
        void AddObservation(Observation o)
        {
            Add(o.State ?? []);
            hash.AppendData(o.Image ?? []);
            hash.AppendData(MemoryMarshal.AsBytes<int>(o.Instruction ?? []));
        }
        AddObservation(env.Reset(ProbeSeed));
        for (int t = 0; t < ProbeSteps; t++)
        {
            var action = expert.Act(env);
            var step = env.Step(action);
            Add(action);
            Add([(float)step.Reward]);
            AddObservation(step.Observation);
            if (step.Done) break;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }

    /// <summary>
    /// The demonstrations of the recipe from <paramref name="directory"/> when present and valid, else collected with
    /// <see cref="Demonstrations.Collect(string, int, int, double, int, int, EpisodeCheckpoint)"/> and stored there.
    /// Episodes are kept as they end (<see cref="EpisodeCheckpoint"/>), so a collection that stops resumes.
    /// </summary>
    public static Demonstrations GetOrCollect(string envName, int episodes, int seed, double actionNoise,
        string directory, out bool hit, int maxSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string name = $"{envName}-{Key(envName, episodes, seed, actionNoise, maxSteps)[..16]}";
        return GetOrCollect(directory, name, envName, episodes, seed, actionNoise, out hit,
            checkpoint => Demonstrations.Collect(envName, episodes, seed, actionNoise, maxSteps: maxSteps,
                checkpoint: checkpoint));
    }

    /// <summary>
    /// DAgger's episodes (<see cref="Demonstrations.CollectOnPolicy"/> on the registered env and expert) from
    /// <paramref name="directory"/> when present and valid, else collected and stored there, each episode kept as it
    /// ends. <paramref name="learnerFingerprint"/> must identify what <paramref name="learnerFactory"/> acts like
    /// (its weights): it is the key.
    /// </summary>
    public static Demonstrations GetOrCollectOnPolicy(string envName, string learnerFingerprint,
        Func<Func<Observation, float[]>> learnerFactory, int episodes, int seed, int firstIndex, string directory,
        out bool hit)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentException.ThrowIfNullOrEmpty(learnerFingerprint);
        var registration = Env.Lookup(envName);
        string key = OnPolicyKey(envName, learnerFingerprint, episodes, seed, firstIndex);
        return GetOrCollect(directory, $"{envName}-on-policy-{key[..16]}", envName, episodes, seed, 0, out hit,
            checkpoint => Demonstrations.CollectOnPolicy(registration.Create, registration.Expert, learnerFactory,
                episodes, seed, firstIndex, checkpoint: checkpoint));
    }

    private static Demonstrations GetOrCollect(string directory, string name, string envName, int episodes, int seed,
        double actionNoise, out bool hit, Func<EpisodeCheckpoint, Demonstrations> collect)
    {
        string path = Path.Combine(directory, name + ".safetensors");
        if (File.Exists(path))
        {
            try
            {
                var cached = Demonstrations.Load(path);
                if (cached.EnvName == envName && cached.Episodes == episodes && cached.Seed == seed
                    && cached.ActionNoise == actionNoise)
                {
                    hit = true;
                    return cached;
                }
            }
            catch (InvalidDataException)
            {
                // A damaged cache entry is rebuilt below.
            }
        }
        var checkpoint = new EpisodeCheckpoint(Path.Combine(directory, name + ".partial"), envName, seed,
            actionNoise);
        var demos = collect(checkpoint);
        Directory.CreateDirectory(directory);
        demos.Save(path); // atomic: a temp file in the same folder, renamed
        checkpoint.Delete();
        hit = false;
        return demos;
    }
}

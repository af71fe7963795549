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

    /// <summary>The content key (64 hex digits) of a collection recipe.</summary>
    /// <exception cref="ArgumentException">The env is not registered.</exception>
    public static string Key(string envName, int episodes, int seed, double actionNoise, int maxSteps = 0)
    {
        var registration = Env.Lookup(envName);
        // The worker count does not change a planner's choices, so it is not part of the recipe.
        string expert = MuJoCo.MujocoTasks.ExpertSettings(envName) is { } settings
            ? (settings with { Workers = 1 }).ToString()
            : "registered expert";
        string recipe = string.Create(CultureInfo.InvariantCulture,
            $"{Demonstrations.Format}\n{envName}\n{registration.Description}\n{expert}\n" +
            $"{episodes}\n{seed}\n{actionNoise:R}\nprobe {Probe(registration)}");
        // Whole episodes keep the key they always had; a step cap is part of the recipe.
        if (maxSteps > 0) recipe += string.Create(CultureInfo.InvariantCulture, $"\nsteps {maxSteps}");
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)));
    }

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
    /// <see cref="Demonstrations.Collect(string, int, int, double, int, int)"/> and stored there.
    /// </summary>
    public static Demonstrations GetOrCollect(string envName, int episodes, int seed, double actionNoise,
        string directory, out bool hit, int maxSteps = 0)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string key = Key(envName, episodes, seed, actionNoise, maxSteps);
        string path = Path.Combine(directory, $"{envName}-{key[..16]}.safetensors");
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
        var demos = Demonstrations.Collect(envName, episodes, seed, actionNoise, maxSteps: maxSteps);
        Directory.CreateDirectory(directory);
        demos.Save(path); // atomic: a temp file in the same folder, renamed
        hit = false;
        return demos;
    }
}

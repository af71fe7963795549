using System.Globalization;
using System.Text;
using Qail.Envs;
using Qail.IO;

namespace Qail.Evaluation;

/// <summary>
/// The expert's test episodes kept one small file an episode, under a folder named by the expert's content key
/// (<see cref="DemonstrationCache.ExpertKey"/>): an expert episode's outcome depends on its seed alone, and a planner
/// takes up to an hour for the ten episodes of a study's expert row, which every training seed asks for again. Each
/// episode is stored as it ends, so an evaluation that stops resumes with the episodes still missing. Files are
/// untrusted: an oversized, malformed or foreign one counts as missing and is run again.
/// </summary>
public static class ExpertOutcomeCache
{
    /// <summary>Largest episode file read.</summary>
    public const int MaxFileBytes = 64 << 10;

    private const string Header = "qail-expert-episode/1";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// <see cref="ClosedLoop.EvaluateExpert"/>, with the episodes kept in
    /// <see cref="DemonstrationCache.DirectoryFor"/> the env (planner experts) and run afresh where it is null.
    /// </summary>
    public static EvalResult EvaluateForPlanners(string envName, int episodes, int seed) =>
        DemonstrationCache.DirectoryFor(envName) is { } directory
            ? Evaluate(envName, episodes, seed, directory, out _)
            : ClosedLoop.EvaluateExpert(envName, episodes, seed);

    /// <summary>
    /// The expert's outcomes on env seeds <paramref name="seed"/> to <paramref name="seed"/> + episodes - 1, the same
    /// as <see cref="ClosedLoop.EvaluateExpert"/>'s: kept ones read from <paramref name="directory"/>, missing ones
    /// run (at most one a core at once) and stored as each ends. <paramref name="reused"/> counts the kept ones.
    /// </summary>
    public static EvalResult Evaluate(string envName, int episodes, int seed, string directory, out int reused)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (episodes < 1)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Evaluate needs at least one episode.");
        var registration = Env.Lookup(envName);
        string folder = Path.Combine(directory, $"{envName}-expert-{DemonstrationCache.ExpertKey(envName)[..16]}");
        var outcomes = new EpisodeOutcome[episodes];
        var missing = new List<int>();
        for (int i = 0; i < episodes; i++)
        {
            if (TryLoad(PathOf(folder, seed + i), envName, seed + i) is { } kept) outcomes[i] = kept;
            else missing.Add(i);
        }
        reused = episodes - missing.Count;
        if (missing.Count > 0) Directory.CreateDirectory(folder);
        Parallel.For(0, missing.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            m =>
            {
                int i = missing[m];
                outcomes[i] = ClosedLoop.ExpertEpisode(registration, seed + i);
                AtomicFile.WriteAllText(PathOf(folder, seed + i), Format(envName, outcomes[i]));
            });
        return new EvalResult("expert", envName, outcomes);
    }

    private static string PathOf(string folder, int seed) =>
        Path.Combine(folder, string.Create(Invariant, $"seed-{seed}.txt"));

    private static string Format(string envName, EpisodeOutcome outcome)
    {
        var text = new StringBuilder();
        text.Append(Invariant, $"{Header}\nenv\t{envName}\nseed\t{outcome.Seed}\nreturn\t{outcome.Return:R}\n");
        text.Append(Invariant, $"steps\t{outcome.Steps}\nsuccess\t{(outcome.Success ? 1 : 0)}\n");
        foreach (var (name, value) in outcome.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            text.Append(Invariant, $"metric\t{name}\t{value:R}\n");
        return text.ToString();
    }

    // A kept episode, or null when the file is absent, oversized, malformed or belongs to another env or seed.
    private static EpisodeOutcome? TryLoad(string path, string envName, int seed)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length > MaxFileBytes) return null;
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n');
        if (lines.Length < 7 || lines[0] != Header || lines[^1] != "") return null;
        string? Field(int line, string name) =>
            lines[line].Split('\t') is [var key, var value] && key == name ? value : null;
        if (Field(1, "env") != envName || Field(2, "seed") != seed.ToString(Invariant)) return null;
        if (!double.TryParse(Field(3, "return"), NumberStyles.Float, Invariant, out double total)
            || !int.TryParse(Field(4, "steps"), NumberStyles.None, Invariant, out int steps) || steps < 1
            || Field(5, "success") is not ({ } success and ("0" or "1")))
            return null;
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in lines[6..^1])
        {
            if (line.Split('\t') is not ["metric", var name, var text]
                || !double.TryParse(text, NumberStyles.Float, Invariant, out double value)
                || !metrics.TryAdd(name, value))
                return null;
        }
        return new EpisodeOutcome(seed, total, steps, success == "1", metrics);
    }
}

using System.Globalization;
using System.Text.RegularExpressions;
using Qail.Quantization;

namespace Qail.Experiments;

/// <summary>One cell of a matrix to run: env, config name (e.g. "W4A4") and training seed.</summary>
public sealed record CellSpec(string Env, string Config, int Seed)
{
    /// <summary>The cell's file name.</summary>
    public string FileName => StudyCell.FileName(Env, Config, Seed);
}

/// <summary>
/// A study matrix: envs x bit configs x training seeds (each cell runs every method), split into shards so a job
/// array spreads it over machines. The configs of one env and training seed share their config-independent part
/// (<see cref="SharedPart"/>), so they run back to back and stay in one shard: shard K of N takes the (env, seed)
/// groups whose index g (in env, seed order) has g mod N = K - 1.
/// </summary>
public sealed record StudyMatrix(IReadOnlyList<string> Envs, IReadOnlyList<string> Configs, IReadOnlyList<int> Seeds)
{
    /// <summary>Every cell, in env, seed, config order.</summary>
    public IReadOnlyList<CellSpec> Cells =>
        [.. from env in Envs from seed in Seeds from config in Configs select new CellSpec(env, config, seed)];

    /// <summary>The cells of shard <paramref name="k"/> (1-based) of <paramref name="n"/>, whole groups each.</summary>
    public IReadOnlyList<CellSpec> Shard(int k, int n)
    {
        if (n < 1 || k < 1 || k > n)
            throw new ArgumentOutOfRangeException(nameof(k), $"--shard: need 1 <= K <= N, got {k}/{n}.");
        return Cells.Where((_, i) => i / Configs.Count % n == k - 1).ToList();
    }

    /// <summary>Parses "K/N" (e.g. "3/8").</summary>
    public static (int K, int N) ParseShard(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture,
                out int n) && n >= 1 && k >= 1 && k <= n)
            return (k, n);
        throw new ArgumentException($"--shard: '{text}' is not K/N with 1 <= K <= N (e.g. 2/8).");
    }

    /// <summary>
    /// The config a name stands for: "W{bits}" per-channel weights, "g{size}" for per-group, "A{bits}" for activations
    /// (e.g. W2, W4, W4g32, W4A4, W8A8).
    /// </summary>
    public static QuantConfig ParseConfig(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var match = Regex.Match(name, @"^W([2-8])(?:g([0-9]{1,4}))?(?:A([2-8]))?$", RegexOptions.None,
            TimeSpan.FromSeconds(1));
        if (!match.Success)
            throw new ArgumentException(
                $"--configs: '{name}' is not a config name such as W2, W4, W4g32, W4A4 or W8A8.");
        int bits = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        bool grouped = match.Groups[2].Success;
        int group = grouped ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        if (grouped && group < 1) throw new ArgumentException($"--configs: '{name}' has group size 0.");
        int act = match.Groups[3].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
        return QuantConfig.Create(bits, grouped ? QuantGranularity.PerGroup : QuantGranularity.PerChannel,
            grouped ? group : 32, act);
    }
}

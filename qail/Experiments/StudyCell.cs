using Qail.Evaluation;

namespace Qail.Experiments;

/// <summary>One test episode of one policy, as a study cell stores it.</summary>
public sealed record CellEpisode(int Seed, double Return, bool Success, int Steps, double ActionError);

/// <summary>
/// One policy row of a study cell: what it is, what was chosen while making it (epoch; <paramref name="Choice"/>: the
/// learning rate and QBC weight chosen on validation episodes, empty where none), and its test episodes.
/// </summary>
public sealed record CellRow(string Name, string? Start, int? ChosenEpoch, double Seconds, double ActionErrorOnFpStates,
    string Note,
    IReadOnlyList<CellEpisode> Episodes, string Choice = "")
{
    /// <summary>Mean test return.</summary>
    public double MeanReturn => Episodes.Average(e => e.Return);

    /// <summary>
    /// Mean over every step of every test episode of the action error to the FP policy (NaN where none).
    /// </summary>
    public double ActionError => Episodes.Average(e => e.ActionError);
}

/// <summary>
/// One cell of a study matrix: an env, a quantization config and a training seed, with every method's row (they share
/// the teacher and the PTQ start, so one cell trains the teacher once). Stored as its own file so a rerun resumes.
/// </summary>
public sealed record StudyCell(string Env, string Config, int Seed, int TeacherEpoch, IReadOnlyList<CellRow> Rows)
{
    /// <summary>The cell's file name: env, config and seed.</summary>
    public static string FileName(string env, string config, int seed) => $"{env}__{config}__s{seed}.tsv";

    /// <summary>The row of the given name, or null.</summary>
    public CellRow? Row(string name) => Rows.FirstOrDefault(r => r.Name == name);

    /// <summary>A cell from a finished study.</summary>
    public static StudyCell From(StudyResult study, string configName)
    {
        ArgumentNullException.ThrowIfNull(study);
        var rows = study.Rows.Select(r =>
            new CellRow(r.Name, r.Start, r.Training?.ChosenEpoch, r.Seconds, r.ActionErrorOnFpStates, r.Note,
            r.Evaluation.Episodes.Select(e => new CellEpisode(e.Seed, e.Return, e.Success, e.Steps,
                e.ActionError)).ToList(), r.Choice)).ToList();
        return new StudyCell(study.Options.Env, configName, study.Options.Seed,
            study.FullPrecision.Training?.ChosenEpoch ?? 0, rows);
    }

    /// <summary>
    /// Checks that every row holds the same test seeds in the same order (what paired differences need); the expert's
    /// row may hold only the first of them (a slow expert measured on fewer episodes).
    /// </summary>
    public void CheckPaired()
    {
        var longest = Rows.MaxBy(r => r.Episodes.Count)!;
        var seeds = longest.Episodes.Select(e => e.Seed).ToArray();
        foreach (var row in Rows)
        {
            int count = row.Name == QuantizationStudy.ExpertRow ? row.Episodes.Count : seeds.Length;
            if (!row.Episodes.Select(e => e.Seed).SequenceEqual(seeds.Take(count)))
                throw new InvalidDataException($"Study cell {FileName(Env, Config, Seed)}: row '{row.Name}' was not "
                    + $"run on the same test seeds as '{longest.Name}'.");
        }
        if (seeds.Any(s => s < SeedRanges.TestBase))
            throw new InvalidDataException($"Study cell {FileName(Env, Config, Seed)}: a test seed lies below "
                + $"{SeedRanges.TestBase}, in the range used for choices.");
    }
}

using Qail.IO;
using System.Globalization;
using System.Text;

namespace Qail.Experiments;

/// <summary>
/// Reads and writes a <see cref="StudyCell"/> as a small tab-separated text file: a header line, one "cell" line, one
/// "row" line per policy and one "episode" line per test episode (version 2 adds the row's validated choice of
/// learning rate and QBC weight; version 1 files, without it, are still read). Written to a temporary name and then
/// moved, so an interrupted run leaves no half cell behind; read with size and field checks (the file is untrusted).
/// </summary>
public static class StudyCellFile
{
    /// <summary>First line of every cell file.</summary>
    public const string Header = "qail-study-cell/2";

    /// <summary>First line of a version 1 cell (rows without the chosen learning rate and QBC weight).</summary>
    public const string HeaderV1 = "qail-study-cell/1";

    /// <summary>Largest cell file read.</summary>
    public const long MaxBytes = 64L << 20;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// Writes <paramref name="cell"/> into <paramref name="folder"/> under its file name; returns the path.
    /// </summary>
    public static string Write(string folder, StudyCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        Directory.CreateDirectory(folder);
        var text = new StringBuilder().AppendLine(Header);
        text.AppendLine(Invariant, $"cell\t{cell.Env}\t{cell.Config}\t{cell.Seed}\t{cell.TeacherEpoch}");
        foreach (var row in cell.Rows)
        {
            text.AppendLine(Invariant,
                $"row\t{Clean(row.Name)}\t{Clean(row.Start ?? "")}\t{row.ChosenEpoch?.ToString(Invariant) ?? ""}\t" +
                $"{row.Seconds.ToString("R", Invariant)}\t{row.ActionErrorOnFpStates.ToString("R", Invariant)}\t"
                + $"{Clean(row.Note)}\t{Clean(row.Choice)}");
            foreach (var e in row.Episodes)
                text.AppendLine(Invariant, $"episode\t{e.Seed}\t{e.Return.ToString("R", Invariant)}\t"
                    + $"{(e.Success ? 1 : 0)}\t{e.Steps}\t{e.ActionError.ToString("R", Invariant)}");
        }
        string path = Path.Combine(folder, StudyCell.FileName(cell.Env, cell.Config, cell.Seed));
        AtomicFile.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Reads a cell file; a malformed one throws naming the file and line.</summary>
    public static StudyCell Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"Study cell {path} does not exist.", path);
        if (info.Length > MaxBytes)
            throw new InvalidDataException(
                $"Study cell {path}: {info.Length} bytes, more than the {MaxBytes} a cell may hold.");
        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || (lines[0] != Header && lines[0] != HeaderV1))
            throw new InvalidDataException($"Study cell {path}: the first line is not '{Header}' (or '{HeaderV1}').");
        int rowFields = lines[0] == Header ? 8 : 7;
        var head = Fields(path, 2, lines[1], "cell", 5);
        var rows = new List<CellRow>();
        List<CellEpisode>? episodes = null;
        (string Name, string? Start, int? Chosen, double Seconds, double ErrorFp, string Note,
            string Choice) current = ("", null, null, 0, 0, "", "");
        void Flush()
        {
            if (episodes is null) return;
            if (episodes.Count == 0)
                throw new InvalidDataException($"Study cell {path}: row '{current.Name}' has no episodes.");
            rows.Add(new CellRow(current.Name, current.Start, current.Chosen, current.Seconds, current.ErrorFp,
                current.Note, episodes, current.Choice));
        }
        for (int i = 2; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            if (lines[i].StartsWith("row\t", StringComparison.Ordinal))
            {
                Flush();
                var f = Fields(path, i + 1, lines[i], "row", rowFields);
                current = (f[1], f[2].Length == 0 ? null : f[2], f[3].Length == 0 ? null : Int(path, i + 1, f[3]),
                    Number(path, i + 1, f[4]),
                    Number(path, i + 1, f[5]), f[6], rowFields == 8 ? f[7] : "");
                episodes = [];
            }
            else
            {
                var f = Fields(path, i + 1, lines[i], "episode", 6);
                if (episodes is null)
                    throw new InvalidDataException($"Study cell {path}, line {i + 1}: an episode before any row.");
                episodes.Add(new CellEpisode(Int(path, i + 1, f[1]), Number(path, i + 1, f[2]), f[3] == "1",
                    Int(path, i + 1, f[4]), Number(path, i + 1, f[5])));
            }
        }
        Flush();
        if (rows.Count == 0) throw new InvalidDataException($"Study cell {path}: no rows.");
        var cell = new StudyCell(head[1], head[2], Int(path, 2, head[3]), Int(path, 2, head[4]), rows);
        cell.CheckPaired();
        return cell;
    }

    private static string[] Fields(string path, int line, string text, string kind, int count)
    {
        var f = text.Split('\t');
        if (f.Length != count || f[0] != kind)
            throw new InvalidDataException($"Study cell {path}, line {line}: expected a '{kind}' line of {count} "
                + $"fields, got {f.Length} starting '{f[0]}'.");
        return f;
    }

    private static int Int(string path, int line, string text) =>
        int.TryParse(text, NumberStyles.Integer, Invariant, out int v)
        ? v : throw new InvalidDataException($"Study cell {path}, line {line}: '{text}' is not an integer.");

    private static double Number(string path, int line, string text) =>
        double.TryParse(text, NumberStyles.Float, Invariant, out double v)
        ? v : throw new InvalidDataException($"Study cell {path}, line {line}: '{text}' is not a number.");

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
}

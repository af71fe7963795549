using System.Globalization;
using System.Text;
using Qail.Engine;
using Qail.Engine.Serialization;
using Qail.Envs;
using Qail.Evaluation;
using Qail.IO;
using Qail.Nn.Checkpoints;
using Qail.Policies;
using Qail.Training;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Experiments;

/// <summary>
/// A <see cref="SharedPart"/> on disk, one folder per <see cref="SharedPartKey"/>: the teacher's and the control's
/// weights (checksummed checkpoints), the FP32, expert and control rows in the study cell format, their training
/// curves, and SQIL's saliency scores once computed. "entry.txt", holding the key's full text, is written last, so a
/// half-written entry is never read. Every file is untrusted: sizes, checksums, the key and the teacher's fingerprint
/// are checked, and any fault is one line that sends the caller back to recomputing. Reloaded rows carry what a cell
/// keeps of an episode (no env metrics); the demonstrations are recollected (those DAgger gathered are stored, their
/// SHA-256 in entry.txt), the FP policy's visited states recomputed, and the saliency read when a cell first asks for
/// it (<see cref="ReadSaliency"/>).
/// </summary>
public static class SharedPartFile
{
    /// <summary>Largest entry.txt read.</summary>
    public const long MaxEntryBytes = 16L << 20;

    private const string EntryName = "entry.txt";
    private const string TeacherName = "teacher.safetensors";
    private const string ControlName = "control.safetensors";
    private const string DemonstrationsName = "demonstrations.safetensors";
    private const string RowsConfig = "shared";
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The folder of <paramref name="key"/>'s entry under <paramref name="root"/>.</summary>
    public static string Folder(string root, SharedPartKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(root, key.FolderName);
    }

    /// <summary>
    /// Whether <paramref name="root"/> holds a finished entry of <paramref name="key"/> (still to be checked).
    /// </summary>
    public static bool HasEntry(string root, SharedPartKey key) =>
        File.Exists(Path.Combine(Folder(root, key), EntryName));

    /// <summary>Writes <paramref name="part"/> under <paramref name="root"/>; returns its folder.</summary>
    public static string Write(string root, SharedPart part)
    {
        ArgumentNullException.ThrowIfNull(part);
        string folder = Folder(root, part.Key);
        Directory.CreateDirectory(folder);
        string hash = part.Key.Hash;
        Checkpoint.Save(part.Teacher(), Path.Combine(folder, TeacherName), Metadata(hash));
        if (part.ControlNetwork is { } control)
            Checkpoint.Save(control, Path.Combine(folder, ControlName), Metadata(hash));
        var rows = new[] { part.FullPrecision, part.Expert, part.Control }.OfType<StudyRow>().ToList();
        StudyCellFile.Write(folder, Cell(part, rows));
        var text = new StringBuilder().AppendLine(SharedPartKey.Format);
        text.Append("key\t").AppendLine(part.Key.Text);
        text.Append("teacher\t").AppendLine(part.TeacherFingerprint);
        if (part.Aggregated)
        {
            var bytes = part.Demonstrations.ToBytes();
            AtomicFile.WriteAllBytes(Path.Combine(folder, DemonstrationsName), bytes);
            text.Append("demonstrations\t").AppendLine(Sha256(bytes));
        }
        foreach (var row in rows.Where(r => r.Training is not null))
            text.AppendLine(Training(row.Name, row.Training!));
        AtomicFile.WriteAllText(Path.Combine(folder, EntryName), text.ToString());
        if (part.Saliency is { } saliency) WriteSaliency(root, part.Key, saliency.PatchSize, saliency.Scores);
        return folder;
    }

    /// <summary>
    /// The entry of <paramref name="key"/> under <paramref name="root"/>, or null when there is none; a damaged or
    /// mismatched entry throws <see cref="InvalidDataException"/> with one line naming it and the fault.
    /// </summary>
    /// <param name="root">The folder of entries.</param>
    /// <param name="key">The key to find.</param>
    /// <param name="options">The study's options (env, hidden widths, seed of the teacher's initialisation).</param>
    /// <param name="collect">Recollects the demonstrations (not called when DAgger gathered them: they are
    /// stored).</param>
    /// <param name="fpStates">Recomputes the FP policy's visited test states from the teacher and its test row.</param>
    public static SharedPart? Read(string root, SharedPartKey key, StudyOptions options, Func<Demonstrations> collect,
        Func<PolicyNetwork, EvalResult, IReadOnlyList<Observation>> fpStates)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(collect);
        ArgumentNullException.ThrowIfNull(fpStates);
        string folder = Folder(root, key);
        string entry = Path.Combine(folder, EntryName);
        if (!File.Exists(entry)) return null;
        try
        {
            return Load(folder, entry, key, options, collect, fpStates);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException
            or UnauthorizedAccessException or FormatException)
        {
            throw new InvalidDataException($"entry {folder}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>
    /// Writes SQIL's saliency scores into <paramref name="key"/>'s entry (its folder is created if needed).
    /// </summary>
    public static void WriteSaliency(string root, SharedPartKey key, int patchSize, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        string folder = Folder(root, key);
        Directory.CreateDirectory(folder);
        SafeTensors.Save(SaliencyPath(folder, patchSize),
            [new KeyValuePair<string, Tensor>("scores", Tensor.From<float>(scores, [scores.Length]))],
            Metadata(key.Hash), checksum: true);
    }

    /// <summary>
    /// The saliency scores stored for <paramref name="key"/> and <paramref name="patchSize"/>, or null when there are
    /// none; scores of another length than <paramref name="steps"/>, another key or a bad checksum throw one line.
    /// </summary>
    public static float[]? ReadSaliency(string root, SharedPartKey key, int patchSize, int steps)
    {
        ArgumentNullException.ThrowIfNull(key);
        string path = SaliencyPath(Folder(root, key), patchSize);
        if (!File.Exists(path)) return null;
        try
        {
            var archive = Checked(path, key.Hash);
            if (!archive.Tensors.TryGetValue("scores", out var tensor) || tensor.Rank != 1
                || tensor.ElementCount != steps || tensor.DType != DType.Float32)
                throw new InvalidDataException($"expected one float32 \"scores\" tensor of {steps} values.");
            return tensor.ToArray<float>();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException
            or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"shared saliency {path}: {OneLine(e.Message)}", e);
        }
    }

    private static SharedPart Load(string folder, string entry, SharedPartKey key, StudyOptions options,
        Func<Demonstrations> collect, Func<PolicyNetwork, EvalResult, IReadOnlyList<Observation>> fpStates)
    {
        long length = new FileInfo(entry).Length;
        if (length > MaxEntryBytes)
            throw new InvalidDataException($"{EntryName} holds {length} bytes, more than the {MaxEntryBytes} allowed.");
        var lines = File.ReadAllLines(entry);
        if (lines.Length < 3 || lines[0] != SharedPartKey.Format)
            throw new InvalidDataException($"{EntryName} does not start with '{SharedPartKey.Format}'.");
        if (lines[1] != "key\t" + key.Text)
            throw new InvalidDataException($"{EntryName} was written for other options or another build.");
        string fingerprint = Field(lines[2], "teacher", 2)[1];
        var training = new Dictionary<string, TrainReport>(StringComparer.Ordinal);
        string? demonstrationsHash = null;
        foreach (var line in lines.Skip(3).Where(l => l.Length > 0))
        {
            if (line.StartsWith("demonstrations\t", StringComparison.Ordinal))
            {
                demonstrationsHash = Field(line, "demonstrations", 2)[1];
                continue;
            }
            var f = Field(line, "train", 8);
            training[f[1]] = new TrainReport(Numbers(f[4]), Numbers(f[5]), Numbers(f[6]),
                f[2].Length == 0 ? null : int.Parse(f[2], NumberStyles.Integer, Invariant),
                Checks(f[7]), f[3] == "1");
        }

        var env = Env.Lookup(options.Env).Create();
        var teacher = PolicyFactory.Create(PolicyFactory.FamilyFor(env.Spec), env.Spec, options.Hidden,
            options.Seed + 1);
        Checked(Path.Combine(folder, TeacherName), key.Hash);
        Checkpoint.Load(teacher, Path.Combine(folder, TeacherName));
        teacher.Eval();
        if (PolicyFingerprint.Of(teacher) != fingerprint)
            throw new InvalidDataException($"{TeacherName} does not hold the teacher {EntryName} names.");

        var cell = StudyCellFile.Read(Path.Combine(folder, StudyCell.FileName(key.Env, RowsConfig, key.Seed)));
        if (cell.Env != key.Env || cell.Seed != key.Seed || cell.Config != RowsConfig)
            throw new InvalidDataException($"its rows belong to {cell.Env} seed {cell.Seed}.");
        // The FP32 and control rows were trained: their curves must be there and agree with the kept epoch.
        StudyRow Row(string name, bool trained, int count)
        {
            var row = cell.Row(name) ?? throw new InvalidDataException($"its rows lack '{name}'.");
            var report = training.GetValueOrDefault(name);
            if (trained != report is not null || (report is not null && report.ChosenEpoch != row.ChosenEpoch))
                throw new InvalidDataException($"the training curve of '{name}' is missing or disagrees with its row.");
            var episodes = row.Episodes.Select(e => new EpisodeOutcome(e.Seed, e.Return, e.Steps, e.Success,
                new Dictionary<string, double>(), e.ActionError)).ToList();
            if (episodes.Count != count)
                throw new InvalidDataException($"row '{name}' has {episodes.Count} test episodes, not {count}.");
            return new StudyRow(name, new EvalResult(name, options.Env, episodes), row.ActionErrorOnFpStates,
                report, row.Seconds, row.Start, row.Note, row.Choice);
        }
        var fp = Row("FP32", trained: true, options.EvalEpisodes);
        StudyRow? expert = null, control = null;
        PolicyNetwork? controlNetwork = null;
        if (options.Controls)
        {
            expert = Row(QuantizationStudy.ExpertRow, trained: false, options.ExpertTestEpisodes);
            control = Row(QuantizationStudy.ControlRow, trained: true, options.EvalEpisodes);
            controlNetwork = (PolicyNetwork)teacher.DeepCopy();
            Checked(Path.Combine(folder, ControlName), key.Hash);
            Checkpoint.Load(controlNetwork, Path.Combine(folder, ControlName));
            controlNetwork.Eval();
        }
        bool aggregated = options.DaggerRounds > 0;
        if (aggregated != demonstrationsHash is not null)
            throw new InvalidDataException(aggregated ? $"{EntryName} names no DAgger demonstrations."
                : $"{EntryName} names demonstrations its options never gather.");
        var demonstrations = aggregated ? StoredDemonstrations(folder, demonstrationsHash!) : collect();
        return new SharedPart(key, demonstrations, teacher, fp, fpStates(teacher, fp.Evaluation), expert, control,
            controlNetwork, aggregated);
    }

    // DAgger's demonstrations, loaded as any demonstrations file (size and checksum checked), whose content must be
    // the set entry.txt names (a file copied in from another entry is refused); saving is bit-exact, so the hash of
    // the loaded set re-serialised is that of the file written.
    private static Demonstrations StoredDemonstrations(string folder, string hash)
    {
        var demonstrations = Demonstrations.Load(Path.Combine(folder, DemonstrationsName));
        if (Sha256(demonstrations.ToBytes()) != hash)
            throw new InvalidDataException($"{DemonstrationsName} is not the file {EntryName} names.");
        return demonstrations;
    }

    private static string Sha256(byte[] bytes) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)).ToLowerInvariant();

    private static StudyCell Cell(SharedPart part, IReadOnlyList<StudyRow> rows) =>
        new(part.Key.Env, RowsConfig, part.Key.Seed, part.FullPrecision.Training?.ChosenEpoch ?? 0,
        [.. rows.Select(r => new CellRow(r.Name, r.Start, r.Training?.ChosenEpoch, r.Seconds, r.ActionErrorOnFpStates,
            r.Note, [.. r.Evaluation.Episodes.Select(e => new CellEpisode(e.Seed, e.Return, e.Success, e.Steps,
                e.ActionError))], r.Choice))]);

    private static string Training(string name, TrainReport report) => string.Join('\t', "train", name,
        report.ChosenEpoch?.ToString(Invariant) ?? "", report.TieDecided ? "1" : "0", Join(report.Loss),
        Join(report.ImitationLoss), Join(report.AlignmentLoss),
        string.Join(',', (report.Validation ?? []).Select(c =>
            c.Epoch.ToString(Invariant) + ":" + c.Value.ToString("R", Invariant))));

    private static string Join(IEnumerable<double> values) =>
        string.Join(',', values.Select(v => v.ToString("R", Invariant)));

    private static double[] Numbers(string text) => text.Length == 0
        ? [] : [.. text.Split(',').Select(v => double.Parse(v, NumberStyles.Float, Invariant))];

    private static List<(int Epoch, double Value)>? Checks(string text) => text.Length == 0
        ? null
        : [.. text.Split(',').Select(c =>
        {
            var parts = c.Split(':');
            if (parts.Length != 2) throw new FormatException($"'{c}' is not epoch:value.");
            return (int.Parse(parts[0], NumberStyles.Integer, Invariant),
                double.Parse(parts[1], NumberStyles.Float, Invariant));
        })];

    private static string[] Field(string line, string kind, int count)
    {
        var f = line.Split('\t');
        if (f.Length != count || f[0] != kind)
            throw new InvalidDataException($"{EntryName}: expected a '{kind}' line of {count} fields, got "
                + $"{f.Length} starting '{f[0]}'.");
        return f;
    }

    // The checkpoint must carry its checksum and the entry's hash: a file copied in from another entry is refused.
    private static SafeTensorsArchive Checked(string path, string hash)
    {
        var archive = SafeTensors.Load(path);
        if (!archive.Checksummed)
            throw new InvalidDataException($"{Path.GetFileName(path)} carries no checksum.");
        if (!archive.Metadata.TryGetValue(HashKey, out var stored) || stored != hash)
            throw new InvalidDataException($"{Path.GetFileName(path)} belongs to another entry.");
        return archive;
    }

    private const string HashKey = "qail.shared.key";

    private static Dictionary<string, string> Metadata(string hash) => new() { [HashKey] = hash };

    private static string SaliencyPath(string folder, int patchSize) =>
        Path.Combine(folder, FormattableString.Invariant($"saliency-p{patchSize}.safetensors"));

    private static string OneLine(string message) => message.Replace('\n', ' ').Replace('\r', ' ');
}

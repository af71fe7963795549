using Qail.IO;

namespace Qail.Cli.Commands;

/// <summary>Checks on the files a command reads and writes, naming the option and the path in the message.</summary>
internal static class InputFile
{
    /// <summary>Throws unless <paramref name="path"/> names an existing file.</summary>
    public static string Require(string path, string option)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"{option}: '{path}' is a folder, not a file.");
        if (!File.Exists(path)) throw new ArgumentException($"{option}: file '{path}' does not exist.");
        return path;
    }

    /// <summary>
    /// Throws unless the folder that will hold <paramref name="path"/> exists (the command writes nothing then).
    /// </summary>
    public static string Writable(string path, string option)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new ArgumentException($"{option}: folder '{folder}' does not exist.");
        if (Directory.Exists(path)) throw new ArgumentException($"{option}: '{path}' is a folder, not a file.");
        return path;
    }

    /// <summary>
    /// Checks an output before any work: its folder exists and accepts a new file, it is not a folder, and it is none
    /// of the command's <paramref name="inputs"/> (option, path; null paths are skipped), so a finished run never
    /// writes over what it read.
    /// </summary>
    public static string Output(string path, string option, params (string Option, string? Path)[] inputs)
    {
        Writable(path, option);
        foreach (var (inputOption, input) in inputs)
            if (input is not null && SameFile(path, input))
                throw new ArgumentException(
                    $"{option}: '{path}' is the file given as {inputOption}; write to another file.");
        Probe(Path.GetDirectoryName(Path.GetFullPath(path))!, option);
        return path;
    }

    /// <summary>
    /// Checks a folder a command will create or fill: not a file, and it (or, when missing, the nearest folder above it
    /// that exists) accepts new files.
    /// </summary>
    public static string OutputFolder(string folder, string option)
    {
        string full = Path.GetFullPath(folder);
        if (File.Exists(full)) throw new ArgumentException($"{option}: '{folder}' is a file, not a folder.");
        string existing = full;
        while (!Directory.Exists(existing))
        {
            string? parent = Path.GetDirectoryName(existing);
            if (parent is null) throw new ArgumentException($"{option}: no folder above '{folder}' exists.");
            if (File.Exists(parent))
                throw new ArgumentException($"{option}: '{parent}' is a file, so '{folder}' cannot be created.");
            existing = parent;
        }
        Probe(existing, option);
        return folder;
    }

    /// <summary>Runs a loader, restating its fault as "option: 'path' is not a valid what: reason".</summary>
    public static T Read<T>(string path, string option, string what, Func<string, T> load)
    {
        Require(path, option);
        try
        {
            return load(path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"{option}: '{path}' is not a valid {what}: {e.Message}", e);
        }
    }

    /// <summary>True when both paths name one file, also through symbolic links.</summary>
    public static bool SameFile(string a, string b) =>
        string.Equals(Resolved(a), Resolved(b),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static string Resolved(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        string folder = info.Directory is { } d
            ? (d.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? d.FullName) : "";
        var file = new FileInfo(Path.Combine(folder, info.Name));
        return file.Exists && file.LinkTarget is not null
            ? file.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file.FullName : file.FullName;
    }

    private static void Probe(string folder, string option)
    {
        try
        {
            AtomicFile.ProbeWritable(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option}: cannot write in folder '{folder}' ({e.Message}).");
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Qail.IO;

/// <summary>
/// Writes a file so that a reader never sees it half written and a killed write never destroys the previous one:
/// the bytes go to a temp file in the same folder (".{name}.{pid}.{random}.qail-tmp"), are flushed to disk, and the
/// temp file is renamed over the target. Each write first removes the temp files that runs no longer alive left in
/// that folder. This source file is linked into every project that writes files (their layers share no dependency).
/// </summary>
internal static class AtomicFile
{
    /// <summary>Ending of every temp file; with the writer's process id in the name, leftovers are recognisably ours.
    /// </summary>
    public const string TempSuffix = ".qail-tmp";

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 to <paramref name="path"/> atomically.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    /// <summary>Writes what <paramref name="write"/> puts into the stream to <paramref name="path"/> atomically.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full)!;
        RemoveLeftovers(folder);
        string temp = TempPath(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> unless a temp file can be created
    /// in <paramref name="folder"/> (then removed): a command checks this before long work.
    /// </summary>
    public static void ProbeWritable(string folder)
    {
        string probe = TempPath(Path.Combine(Path.GetFullPath(folder), "probe"));
        var options = FileOptions.DeleteOnClose;
        using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, options))
        {
        }
    }

    /// <summary>Deletes the temp files in <paramref name="folder"/> whose writing process has ended; returns how many.
    /// </summary>
    public static int RemoveLeftovers(string folder)
    {
        int removed = 0;
        if (!Directory.Exists(folder)) return 0;
        foreach (string file in Directory.EnumerateFiles(folder, "*" + TempSuffix))
        {
            if (WriterAlive(Path.GetFileName(file))) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException)
            {
                // Another writer removed it first, or the folder is read-only: the write itself reports what matters.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }

    private static string TempPath(string full) =>
        Path.Combine(Path.GetDirectoryName(full)!,
            string.Create(CultureInfo.InvariantCulture,
                $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}"));

    // ".{name}.{pid}.{random}.qail-tmp": the pid is the second-to-last dotted part before the suffix.
    private static bool WriterAlive(string name)
    {
        var parts = name[..^TempSuffix.Length].Split('.');
        if (parts.Length < 3 || !int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            return false;
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

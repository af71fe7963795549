using System.Diagnostics;

namespace Qail.Datasets.Tests;

/// <summary>
/// Runs a Python snippet with Debian's python3-h5py (CI installs it) to write HDF5 files as robot libraries do.
/// </summary>
internal static class PythonH5py
{
    private static readonly Lazy<string?> Missing = new(() => Run("import h5py, numpy", null) is { } why ? why : null);

    /// <summary>Null when python3 with h5py and numpy runs here, else why not.</summary>
    public static string? WhyMissing => Missing.Value;

    /// <summary>
    /// Runs <paramref name="script"/> with the output path as sys.argv[1]; null on success, else stderr.
    /// </summary>
    public static string? Run(string script, string? path)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
            { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        if (path is not null) start.ArgumentList.Add(path);
        try
        {
            using var process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit(60_000);
            return process.ExitCode == 0 ? null : $"python3 failed: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"no /usr/bin/python3 ({e.Message})";
        }
    }
}

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

    /// <summary>Throws unless the folder that will hold <paramref name="path"/> exists (the command writes nothing then).</summary>
    public static string Writable(string path, string option)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(folder)) throw new ArgumentException($"{option}: folder '{folder}' does not exist.");
        if (Directory.Exists(path)) throw new ArgumentException($"{option}: '{path}' is a folder, not a file.");
        return path;
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
}

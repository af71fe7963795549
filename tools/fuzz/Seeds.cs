using Qail.Cli.Commands;

namespace Qail.Fuzz;

/// <summary>
/// The seed corpus: a tiny chain's demonstrations, full-precision checkpoint and deployed W4 and W8A8 policies.
/// </summary>
internal static class Seeds
{
    /// <summary>Writes the seed files into <paramref name="folder"/> with `qail` itself.</summary>
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        string demos = Path.Combine(folder, "demos.safetensors"), fp = Path.Combine(folder, "policy-fp.safetensors");
        Run("collect", "--env", "cartpole-balance", "--episodes", "2", "--seed", "3", "--out", demos);
        Run("train", "--demos", demos, "--hidden", "16,16", "--epochs", "1", "--out", fp);
        Run("quantize", "--policy", fp, "--demos", demos, "--method", "ptq", "--bits", "4", "--group-size", "8",
            "--out", Path.Combine(folder, "policy-w4.safetensors"));
        Run("quantize", "--policy", fp, "--demos", demos, "--method", "ptq", "--bits", "8", "--act-bits", "8",
            "--granularity", "PerChannel",
            "--out", Path.Combine(folder, "policy-w8a8.safetensors"));
    }

    /// <summary>The seed files of a target: names starting with the target's name.</summary>
    public static IEnumerable<string> For(string target, string folder) =>
        Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f).StartsWith(target, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static void Run(params string[] args)
    {
        var quiet = new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null };
        if (QailCommandLine.Invoke(args, quiet) != 0)
            throw new InvalidOperationException($"qail {string.Join(' ', args)} failed.");
    }
}

namespace Qail.Cli.Tests;

/// <summary>
/// Files written once by the tiny chain collect -> train -> quantize on cartpole-balance (2 episodes, 1 epoch,
/// hidden 16,16) in a temporary folder, shared by the tests that read them.
/// </summary>
public sealed class TinyChain : IDisposable
{
    /// <summary>Runs the three writing steps.</summary>
    public TinyChain()
    {
        Folder = Directory.CreateTempSubdirectory("qail-cli-").FullName;
        Collect = QailRun.Of("collect", "--env", Env, "--episodes", "2", "--seed", "3", "--noise", "0.1", "--out",
            Demos);
        Train = QailRun.Of("train", "--demos", Demos, "--hidden", "16,16", "--epochs", "1", "--seed", "3", "--out",
            FullPrecision);
        Quantize = QailRun.Of("quantize", "--policy", FullPrecision, "--demos", Demos, "--method", "qail", "--bits",
            "4",
            "--granularity", "PerGroup", "--group-size", "8", "--epochs", "1", "--seed", "3", "--out", Deployed);
    }

    /// <summary>The env of the chain.</summary>
    public const string Env = "cartpole-balance";

    /// <summary>The temporary folder holding every file.</summary>
    public string Folder { get; }

    /// <summary>Demonstrations file.</summary>
    public string Demos => Path.Combine(Folder, "demos.safetensors");

    /// <summary>Full-precision checkpoint.</summary>
    public string FullPrecision => Path.Combine(Folder, "fp.safetensors");

    /// <summary>Deployed W4 integer policy.</summary>
    public string Deployed => Path.Combine(Folder, "w4.safetensors");

    /// <summary>Result of `qail collect`.</summary>
    public QailRun Collect { get; }

    /// <summary>Result of `qail train`.</summary>
    public QailRun Train { get; }

    /// <summary>Result of `qail quantize`.</summary>
    public QailRun Quantize { get; }

    /// <summary>A copy of <paramref name="source"/> in the folder, damaged by <paramref name="damage"/>.</summary>
    public string Damaged(string source, string name, Func<byte[], byte[]> damage)
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllBytes(path, damage(File.ReadAllBytes(source)));
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

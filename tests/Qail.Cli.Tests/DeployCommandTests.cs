namespace Qail.Cli.Tests;

/// <summary>
/// `qail --version` and `bench` name the kernel path; `qail import` brings a PyTorch MLP to the other commands.
/// </summary>
public sealed class DeployCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-import-").FullName;

    private static string Torch => Path.Combine(AppContext.BaseDirectory, "fixtures", "torch", "mlp_f32.safetensors");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void VersionNamesTheKernelPath()
    {
        var run = QailRun.Of("--version").Succeeded();
        Assert.Contains("qail 0.4.0", run.Output, StringComparison.Ordinal);
        Assert.Contains("kernel path: ", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnImportedPolicyIsBenchmarkedOnTheNamedPath()
    {
        var fp = Path.Combine(_folder, "fp.safetensors");
        var import = QailRun.Of("import", "--from", Torch, "--env", "pendulum-swingup", "--hidden", "16,16", "--out",
            fp).Succeeded();
        Assert.Contains("F32", import.Output, StringComparison.Ordinal);
        var bench = QailRun.Of("bench", "--policy", fp, "--iterations", "20").Succeeded();
        Assert.Contains("CPU kernel path: ", bench.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void AMisfitImportNamesTheTensor() =>
        QailRun.Of("import", "--from", Torch, "--env", "pendulum-swingup", "--hidden", "8", "--out",
            Path.Combine(_folder, "x.safetensors"))
            .FailedWith("--from", "body.0.weight has shape [16, 3], body.0.weight needs [8, 3]");
}

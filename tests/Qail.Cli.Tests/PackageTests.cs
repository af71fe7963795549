using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace Qail.Cli.Tests;

/// <summary>
/// `dotnet pack` of one library (the kernels: no project references, so it builds alone in about a minute) into a
/// temporary artifacts folder, then its package's metadata: version, MIT licence expression, readme, description;
/// and the CLI tool and the slim runtime packed from the build this test run already made (no rebuild).
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _artifacts = Directory.CreateTempSubdirectory("qail-pack-").FullName;

    public void Dispose() => Directory.Delete(_artifacts, recursive: true);

    [Fact]
    public async Task TheKernelsPackWithTheSharedMetadata()
    {
        var project = Path.Combine(RepositoryRoot(), "kernels-cpu", "Qail.Kernels.Cpu.csproj");
        var start = new ProcessStartInfo("dotnet",
            ["pack", project, "-c", "Release", "--artifacts-path", _artifacts, "-nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "dotnet pack did not finish in 5 minutes.");
        Assert.True(process.ExitCode == 0, $"dotnet pack exited {process.ExitCode}:\n{output}\n{await stderr}");

        var package = Directory.EnumerateFiles(_artifacts, "Qail.Kernels.Cpu.*.nupkg", SearchOption.AllDirectories)
            .Single();
        Assert.EndsWith("Qail.Kernels.Cpu.0.4.0.nupkg", package, StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(package);
        Assert.NotNull(zip.GetEntry("README.md"));
        using var reader = new StreamReader(zip.GetEntry("Qail.Kernels.Cpu.nuspec")!.Open());
        string nuspec = reader.ReadToEnd();
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<description>Qail span kernels", nuspec, StringComparison.Ordinal);
        Assert.DoesNotContain("Package Description", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCliPacksAsTheQailToolAndTheRuntimeStaysSlim()
    {
        string root = RepositoryRoot();
        using var tool = PackBuilt(Path.Combine(root, "cli", "Qail.Cli.csproj"), "Qail.Cli");
        Assert.Contains("<packageType name=\"DotnetTool\" />", Nuspec(tool, "Qail.Cli"), StringComparison.Ordinal);
        var settings = tool.Entries
            .Single(e => e.FullName.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
        using (var reader = new StreamReader(settings.Open()))
            Assert.Contains("Name=\"qail\"", reader.ReadToEnd(), StringComparison.Ordinal);

        using var runtime = PackBuilt(Path.Combine(root, "runtime", "Qail.Runtime.csproj"), "Qail.Runtime");
        string nuspec = Nuspec(runtime, "Qail.Runtime");
        Assert.Contains("<description>Slim Qail runtime", nuspec, StringComparison.Ordinal);
        foreach (var trainer in new[] { "\"Qail.Nn\"", "\"Qail.Autograd\"", "\"Qail.Envs\"", "\"Qail\"" })
            Assert.DoesNotContain($"id={trainer}", nuspec, StringComparison.Ordinal);
        Assert.Contains("id=\"Qail.Kernels.Cpu\"", nuspec, StringComparison.Ordinal);
    }

    private ZipArchive PackBuilt(string project, string id)
    {
        // The solution build before the tests already compiled these projects: pack them without rebuilding.
        string output = Path.Combine(_artifacts, id);
        var start = new ProcessStartInfo("dotnet",
            ["pack", project, "-c", "Release", "--no-build", "--no-restore", "-o", output, "-nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string stderr = process.StandardError.ReadToEnd(), stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"dotnet pack {id} did not finish in 2 minutes.");
        Assert.True(process.ExitCode == 0, $"dotnet pack {id} exited {process.ExitCode}:\n{stdout}\n{stderr}");
        var package = Directory.EnumerateFiles(output, $"{id}.0.4.0.nupkg").Single();
        return ZipFile.OpenRead(package);
    }

    private static string Nuspec(ZipArchive package, string id)
    {
        using var reader = new StreamReader(package.GetEntry($"{id}.nuspec")!.Open());
        return reader.ReadToEnd();
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

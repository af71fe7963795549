using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.CompilerServices;

namespace Qail.Cli.Tests;

/// <summary>
/// `dotnet pack` of one library (the kernels: no project references, so it builds alone in about a minute) into a
/// temporary artifacts folder, then its package's metadata: version, MIT licence expression, readme, description.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _artifacts = Directory.CreateTempSubdirectory("qail-pack-").FullName;

    public void Dispose() => Directory.Delete(_artifacts, recursive: true);

    [Fact]
    public async Task TheKernelsPackWithTheSharedMetadata()
    {
        var project = Path.Combine(RepositoryRoot(), "kernels-cpu", "Qail.Kernels.Cpu.csproj");
        var start = new ProcessStartInfo("dotnet", ["pack", project, "-c", "Release", "--artifacts-path", _artifacts, "-nologo", "-v", "quiet"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "dotnet pack did not finish in 5 minutes.");
        Assert.True(process.ExitCode == 0, $"dotnet pack exited {process.ExitCode}:\n{output}\n{await stderr}");

        var package = Directory.EnumerateFiles(_artifacts, "Qail.Kernels.Cpu.*.nupkg", SearchOption.AllDirectories).Single();
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

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace Qail.Testing.Tests;

/// <summary>
/// The sample project (samples/Qail.Testing.Samples, the README's examples) built the way a user builds it: the kit's
/// projects and the Qail libraries they need are packed (from the outputs already built, no rebuild) into a local
/// feed in a temporary folder; a copy of the sample restores from that feed only (plus the machine's NuGet cache for
/// xunit and the other public packages), builds against the packages and runs its tests (about 20 s of CPU).
/// Nothing outside the temporary folder changes: its own global packages folder receives the Qail packages.
/// </summary>
public class PackageSampleTests(ITestOutputHelper output)
{
    private const string Version = "0.1.0-local";
    private static readonly string[] KitProjects = ["Qail.Testing", "Qail.Testing.FsCheck", "Qail.Testing.Xunit",
        "Qail.Testing.Policies"];
    private static readonly string[] SampleReferences = ["Qail.Testing", "Qail.Testing.Xunit",
        "Qail.Testing.Policies", "Qail"];
    private static readonly TimeSpan StepLimit = TimeSpan.FromMinutes(4);

    [SkippableFact]
    public void SampleRestoresFromTheLocalFeedAndItsExamplesPass()
    {
        string root = RepositoryRoot();
        string? dotnet = Dotnet();
        Skip.If(dotnet is null,
            "the dotnet CLI is not on PATH (DOTNET_HOST_PATH unset), so the packages cannot be packed here.");
        string configuration = typeof(PackageSampleTests).Assembly
            .GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var work = Directory.CreateTempSubdirectory("qail-testing-sample-");
        try
        {
            string feed = Path.Combine(work.FullName, "feed"), sample = Path.Combine(work.FullName, "sample");
            var projects = Closure(KitProjects.Select(p => Path.Combine(root, "testing", p, p + ".csproj")));
            Run(dotnet!, work.FullName, "msbuild", WritePackProject(work.FullName, projects, configuration, feed),
                "-nodeReuse:false", "-nologo", "-v:m");
            foreach (var p in KitProjects) Assert.True(File.Exists(Path.Combine(feed, $"{p}.{Version}.nupkg")),
                $"{p} was not packed.");

            CopySample(Path.Combine(root, "samples", "Qail.Testing.Samples"), sample);
            WriteNuGetConfig(sample, feed, Path.Combine(work.FullName, "packages"));
            string csproj = Path.Combine(sample, "Qail.Testing.Samples.csproj");
            Run(dotnet!, sample, "test", csproj, "-c", configuration, $"-p:QailTestingVersion={Version}",
                "-nodeReuse:false", "-nologo");
            AssertPackagesUsed(Path.Combine(sample, "obj", "project.assets.json"));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    [Fact]
    public void SamplePackageVersionsMatchTheCentralOnes()
    {
        string root = RepositoryRoot();
        var central = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        var sample = XDocument.Load(Path.Combine(root, "samples", "Qail.Testing.Samples",
            "Qail.Testing.Samples.csproj"));
        foreach (var reference in sample.Descendants("PackageReference").Where(e
            => !((string)e.Attribute("Include")!).StartsWith("Qail.")))
        {
            string id = (string)reference.Attribute("Include")!;
            Assert.True(central.TryGetValue(id, out var version), $"{id} is not in Directory.Packages.props.");
            Assert.True(version == (string)reference.Attribute("Version")!,
                $"The sample pins {id} {(string)reference.Attribute("Version")!}, the repository uses {version}: " +
                "CI's package cache has only the latter.");
        }
    }

    // The kit projects and every project they reference, transitively: all of them become packages of the feed.
    private static List<string> Closure(IEnumerable<string> start)
    {
        var seen = new List<string>();
        var pending = new Stack<string>(start.Select(Path.GetFullPath));
        while (pending.TryPop(out var project))
        {
            if (seen.Contains(project)) continue;
            seen.Add(project);
            foreach (var include in XDocument.Load(project).Descendants("ProjectReference").Select(e
                => (string)e.Attribute("Include")!))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, include.Replace('\\',
                    '/'))));
        }
        return seen;
    }

    // One MSBuild process packs all projects from their existing outputs (NoBuild); nuspecs go to the temp folder too.
    private static string WritePackProject(string work, List<string> projects, string configuration, string feed)
    {
        string properties = $"Configuration={configuration};NoBuild=true;_IsPacking=true;PackageVersion={Version};" +
                            $"PackageOutputPath={feed}/;NuspecOutputPath={Path.Combine(work, "nuspec")}/";
        var project = new XElement("Project",
            new XElement("ItemGroup", projects.Select(p => new XElement("PackProject", new XAttribute("Include", p)))),
            new XElement("Target", new XAttribute("Name", "Build"),
                new XElement("MSBuild", new XAttribute("Projects", "@(PackProject)"), new XAttribute("Targets", "Pack"),
                    new XAttribute("Properties", properties), new XAttribute("BuildInParallel", "true"))));
        string path = Path.Combine(work, "pack.proj");
        project.Save(path);
        return path;
    }

    private static void CopySample(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from).Where(f => f.EndsWith(".cs") || f.EndsWith(".csproj")))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    // The local feed is the only source; packages the solution's restore already fetched come from the machine's cache.
    private static void WriteNuGetConfig(string sample, string feed, string packages)
    {
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"),
                new XAttribute("value", packages))),
            new XElement("packageSources", new XElement("clear"),
                new XElement("add", new XAttribute("key", "qail-local"), new XAttribute("value", feed)),
                new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", cache))),
            new XElement("fallbackPackageFolders", new XElement("clear"),
                new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", cache))))
            .Save(Path.Combine(sample, "nuget.config"));
    }

    private static void AssertPackagesUsed(string assetsPath)
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(assetsPath));
        var libraries = assets.RootElement.GetProperty("libraries");
        foreach (var p in SampleReferences)
        {
            Assert.True(libraries.TryGetProperty($"{p}/{Version}", out var library),
                $"{p} {Version} is not among the sample's restored libraries.");
            Assert.Equal("package", library.GetProperty("type").GetString());
        }
        Assert.DoesNotContain(libraries.EnumerateObject(), l => l.Value.GetProperty("type").GetString() == "project");
    }

    private void Run(string dotnet, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(dotnet, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild variables would point the child build at this run's MSBuild instance.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild",
            StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(StepLimit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet {string.Join(' ', arguments)} did not finish in {StepLimit.TotalMinutes} minutes.");
        }
        process.WaitForExit();
        output.WriteLine($"dotnet {arguments[0]}: {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(process.ExitCode == 0,
            $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode} " +
            $"after {watch.Elapsed.TotalSeconds:F0} s:\n" +
            stdout.Result + stderr.Result);
    }

    private static string? Dotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host
            && File.Exists(host)) return host;
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d,
            "dotnet")).FirstOrDefault(File.Exists);
    }

    // The source file's own location: the test binaries may live anywhere (e.g. under --artifacts-path).
    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

using Qail.Runtime;
using Qail.Tests.Exporting;

namespace Qail.Tests.Runtime;

/// <summary>
/// The op registry is the one list of runtime ops: every op the exporters emit is registered (so the file reader
/// reads it back), every registered op is emitted by some export the file and device tests run, and the docs' op
/// table is the registry's.
/// </summary>
public sealed class RuntimeOpsTests
{
    private static IEnumerable<DeployedPolicy> Exports()
    {
        foreach (var config in new[] { "FP32", "W4g32", "W6", "W8A8" }) yield return DeployedPolicyTests.Deployed(config);
        foreach (var config in new[] { "FP32", "W8A8", "W4" }) yield return CilrsExportTests.Deployed(config);
        foreach (var config in new[] { "FP32", "W8A8" })
        {
            var c = new VlaExportTests.VlaCase(16, 1, 16, config, 4);
            yield return c.Deploy(c.Network());
        }
    }

    [Fact]
    public void ExportsEmitExactlyTheRegisteredOps()
    {
        var emitted = Exports().SelectMany(p => p.Graph.Nodes).Select(n => n.Op.Kind).ToHashSet();
        var registered = RuntimeOps.All.Select(k => k.Name).ToHashSet();
        Assert.Equal(RuntimeOps.All.Count, registered.Count);
        Assert.Empty(emitted.Except(registered));
        Assert.Empty(registered.Except(emitted));
    }

    [Fact]
    public void EveryExportedOpReadsBackFromItsFile()
    {
        foreach (var policy in Exports())
        {
            var loaded = DeployedPolicy.FromBytes(policy.ToBytes());
            Assert.Equal(policy.Describe(), loaded.Describe());
        }
    }

    [SkippableFact]
    public void TheDocsListTheRegistry()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Engine.sln"))) folder = folder.Parent;
        Skip.If(folder is null, "the repository is not above the test binaries");
        var readme = File.ReadAllText(Path.Combine(folder!.FullName, "runtime", "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(RuntimeOps.MarkdownTable(), readme);
    }
}

using Qail.Runtime;

namespace Qail.Onnx.Tests;

/// <summary>Every op of the runtime's registry has an ONNX lowering: a new op cannot be silently missed.</summary>
public sealed class OnnxOpCoverageTests
{
    [Fact]
    public void EveryRuntimeOpLowers()
    {
        var missing = RuntimeOps.All.Select(kind => kind.Name).Except(DeployedPolicyOnnx.LoweredOps).ToList();
        Assert.True(missing.Count == 0, $"runtime ops without an ONNX lowering: {string.Join(", ", missing)}.");
        var unknown = DeployedPolicyOnnx.LoweredOps.Where(name => RuntimeOps.Find(name) is null).ToList();
        Assert.True(unknown.Count == 0,
            $"ONNX lowerings of ops the runtime does not have: {string.Join(", ", unknown)}.");
    }
}

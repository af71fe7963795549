using Qail.Runtime;

namespace Qail.Tests.Runtime;

/// <summary>The deployed-policy runtime links engine and kernels only: a robot binary carries no trainer or simulator.</summary>
public sealed class RuntimeLayeringTests
{
    [Fact]
    public void TheRuntimeReferencesNoTrainingOrEnvAssembly()
    {
        var ours = typeof(DeployedPolicy).Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(name => name.StartsWith("Qail", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("Qail.Engine", ours);
        Assert.Subset(new HashSet<string> { "Qail.Engine", "Qail.Kernels.Cpu", "Qail.Kernels.Cuda" }, ours.ToHashSet());
    }
}

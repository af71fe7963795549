using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using System.Runtime.InteropServices;
using Qail.Kernels.Cpu;

namespace Qail.Cli.Commands;

/// <summary>
/// `qail --version`: the version, how the binary was compiled and the kernel path it takes on this CPU.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    /// <summary>The lines `--version` prints.</summary>
    public static string Text()
    {
        var version = typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?
            .InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0) version = version[..plus];
        var build = CpuFit.AheadOfTime
            ? $"NativeAOT, compiled for {CpuFit.CompiledFor()}"
            : "JIT (compiled for this CPU)";
        return $"qail {version}\n" +
               $"runtime: .NET {Environment.Version}, {RuntimeInformation.RuntimeIdentifier}, {build}\n" +
               $"kernel path: {KernelDispatch.Describe()}";
    }

    /// <inheritdoc/>
    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Text());
        return 0;
    }
}

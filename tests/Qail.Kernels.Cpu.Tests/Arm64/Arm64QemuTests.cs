using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Qail.Kernels.Cpu.Tests.Arm64;

/// <summary>
/// Runs the NativeAOT ARM64 kernel checks (tests/Qail.Kernels.Arm64Check) under qemu-aarch64, with and without
/// the dot-product extension, so the README's one test command covers the NEON paths too.
/// </summary>
public class Arm64QemuTests
{
    private static readonly string[] Tools = ["clang", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objcopy",
        "qemu-aarch64"];

    [SkippableFact]
    public void KernelChecksPassOnNeonWithAndWithoutDotProduct()
    {
        var missing = Tools.Where(t => !OnPath(t)).ToArray();
        Skip.If(missing.Length > 0,
            $"ARM64 cross toolchain or qemu missing ({string.Join(", ", missing)}); .ci/run installs clang "
            + "gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-user.");

        var script = Path.Combine(RepositoryRoot(), "tests", "Qail.Kernels.Arm64Check", "run-under-qemu.sh");
        var start = new ProcessStartInfo("bash", [script])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(15)), "run-under-qemu.sh did not finish in 15 minutes.");
        string log = output + stderr.Result;

        Assert.True(process.ExitCode == 0, $"run-under-qemu.sh exited {process.ExitCode}:\n{log}");
        Assert.Contains("ARM dot on", log);
        Assert.Contains("ARM dot off", log);
        Assert.Equal(2, log.Split('\n').Count(line => line.Contains(" passed, 0 failed")));
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    // The source file's own location: the test binaries may live anywhere (e.g. under --artifacts-path).
    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}

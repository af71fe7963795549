using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qail.Native.MujocoCheck;
using Xunit.Abstractions;

namespace Qail.Envs.Tests.MuJoCo;

/// <summary>
/// The models run the same on ARM64: native/mujoco-check, published with NativeAOT for linux-arm64 by
/// native/examples/publish.sh (minutes, so the test does not publish it: it skips when that output is missing or
/// older than the sources), runs a fixed open-loop action sequence on Debian's arm64 libmujoco under qemu-aarch64,
/// and its rewards and final qpos are compared with the same run in this x64 process. The arm64 library is not
/// installed (its multiarch libc6:arm64 would hang every NativeAOT arm64 binary under qemu's cross loader):
/// native/mujoco-check/fetch-arm64-mujoco.sh downloads and unpacks it into $QAIL_ARM64_MUJOCO (default
/// /opt/qail-arm64-mujoco), and only the guest gets that folder as LD_LIBRARY_PATH, with libc, libgcc_s and libstdc++
/// from the cross toolchain. Both libraries are builds of MuJoCo 2.2.2 by different compilers for different FP units
/// (the arm64 build may fuse multiply-adds), so bits may differ from the first step on; how far they drift depends on
/// the dynamics: the cart-pole's smooth motion amplifies a rounding difference little (measured: bit for bit over 100
/// steps), so it must stay within 1e-9; the walker's contacts amplify it about tenfold every 10-15 steps (measured
/// 1e-15 at step 25, 1e-9 at step 100, 1e-5 at step 200), so it is compared over 100 steps within 1e-6, a thousand
/// times the measured drift and far below any behavioural change.
/// </summary>
public sealed class MujocoArm64Tests(ITestOutputHelper output)
{
    private const int Steps = 100;
    private const string CrossRoot = "/usr/aarch64-linux-gnu";

    /// <summary>Environment variable naming the folder fetch-arm64-mujoco.sh unpacked the arm64 MuJoCo into.</summary>
    public const string Arm64MujocoVariable = "QAIL_ARM64_MUJOCO";

    /// <summary>Where fetch-arm64-mujoco.sh unpacks the arm64 MuJoCo when the variable is not set.</summary>
    public const string DefaultArm64Mujoco = "/opt/qail-arm64-mujoco";

    private static readonly Dictionary<string, double> Tolerance = new(StringComparer.Ordinal)
    {
        ["walker-stand"] = 1e-6,
        ["cartpole-balance-mujoco"] = 1e-9,
    };

    [SkippableFact]
    public void Arm64_build_under_qemu_follows_the_x64_trajectory()
    {
        MujocoBindingTests.RequireMujoco();
        Skip.IfNot(OnPath("qemu-aarch64"), "qemu-aarch64 is missing (.ci/run installs qemu-user).");
        Skip.IfNot(File.Exists(Path.Combine(CrossRoot, "lib", "ld-linux-aarch64.so.1")),
            $"the arm64 cross libc ({CrossRoot}/lib) is missing (.ci/run installs libc6-dev-arm64-cross).");
        string arm64Lib = Path.Combine(Environment.GetEnvironmentVariable(Arm64MujocoVariable) ?? DefaultArm64Mujoco,
            "usr", "lib", "aarch64-linux-gnu");
        Skip.IfNot(File.Exists(Path.Combine(arm64Lib, "libmujoco.so.2.2.2")),
            $"no arm64 libmujoco.so.2.2.2 in {arm64Lib} (${Arm64MujocoVariable}): run " +
            "native/mujoco-check/fetch-arm64-mujoco.sh (downloads and unpacks it, installs nothing; .ci/run does).");
        string artifacts = Path.Combine(Environment.GetEnvironmentVariable("QAIL_NATIVE_ARTIFACTS") ??
            Path.Combine(Path.GetTempPath(), "qail-native"), "linux-arm64");
        var check = new FileInfo(Path.Combine(artifacts, "lib", "qail-mujoco-check"));
        Skip.IfNot(check.Exists, $"no published qail-mujoco-check for linux-arm64 in {artifacts}: " +
                                 "run native/examples/publish.sh linux-arm64 first (NativeAOT, minutes).");
        var newest = NewestSource();
        Skip.If(newest.LastWriteTimeUtc > check.LastWriteTimeUtc,
            $"the qail-mujoco-check in {artifacts} is older than {newest.FullName}: rerun native/examples/publish.sh "
            + "linux-arm64.");

        // The cross libc for the loader, and the unpacked MuJoCo for the guest only (-E): the host keeps its own.
        var start = new ProcessStartInfo("qemu-aarch64",
            ["-L", CrossRoot, "-E", $"LD_LIBRARY_PATH={arm64Lib}", check.FullName, $"{Steps}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string log = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "qail-mujoco-check did not finish in 2 minutes.");
        Assert.True(process.ExitCode == 0, $"qail-mujoco-check exited {process.ExitCode}:\n{log}\n{stderr.Result}");
        Assert.Contains("on Arm64", log);

        var arm64 = MujocoTrajectory.Parse(log);
        foreach (var task in MujocoTrajectory.Tasks)
        {
            Assert.True(arm64.ContainsKey(task), $"qail-mujoco-check printed no {task} run:\n{log}");
            var x64 = MujocoTrajectory.Run(task, Steps);
            var other = arm64[task];
            Assert.Equal(x64.Rewards.Length, other.Rewards.Length);
            Assert.Equal(x64.FinalQpos.Length, other.FinalQpos.Length);
            double rewardGap = MaxGap(x64.Rewards, other.Rewards), qposGap = MaxGap(x64.FinalQpos, other.FinalQpos);
            output.WriteLine($"{task}: {Steps} steps, max |reward x64 - arm64| {rewardGap:G3}, " +
                             $"max |final qpos x64 - arm64| {qposGap:G3}");
            Assert.True(rewardGap <= Tolerance[task] && qposGap <= Tolerance[task],
                $"{task}: arm64 drifts from x64 by {rewardGap:G3} (reward) / {qposGap:G3} (qpos), " +
                $"more than {Tolerance[task]:G3}.");
        }
    }

    private static double MaxGap(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    // The newest file qail-mujoco-check is built from.
    private static FileInfo NewestSource()
    {
        string root = RepositoryRoot();
        string[] folders = ["envs", "io", Path.Combine("native", "mujoco-check")];
        string[] kinds = [".cs", ".csproj", ".props", ".targets", ".xml"];
        var files = folders
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, f), "*", SearchOption.AllDirectories))
            .Where(f => kinds.Contains(Path.GetExtension(f)) && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.Contains("/bin/", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(root, "Directory.*"));
        return files.Select(f => new FileInfo(f)).MaxBy(f => f.LastWriteTimeUtc)!;
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}

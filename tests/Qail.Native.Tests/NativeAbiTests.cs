using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Envs;
using Qail.Kernels.Cpu;

namespace Qail.Native.Tests;

/// <summary>
/// libqail's C API (native/include/qail.h) from C and C++: native/examples/publish.sh publishes the library and
/// act-dotnet (act.c's twin through the .NET API) with NativeAOT (minutes, so the test does not: it skips when that
/// output is missing or older than the sources), native/examples/run.sh compiles act.c (gcc) and policy_node.cpp (g++,
/// a
/// ROS-2-style loop with a replica on a second thread) and runs them on FP32, W8A8 and W4 MLPs, a W8A8 CILRS (image +
/// command) and a W4 VLA (image + instruction + state). On each machine every C and C++ action must equal the .NET
/// API's bit for bit: on linux-x64 (libqail compiled for the instruction set this process's JIT uses, so the
/// in-process actions must match too) and on linux-arm64 under qemu, both with the dot-product extension (-cpu max)
/// and without it (-cpu cortex-a72), against act-dotnet run on the same emulated CPU. The arm64 actions stay within
/// 1e-5 of the action range of the x64 ones: NEON and AVX-512 sum fp32 in different orders.
/// </summary>
public sealed class NativeAbiTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("qail-native-cases-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IEnumerable<NativeCase> Cases()
    {
        var pendulum = Env.Make("pendulum-swingup", 0).Spec;
        var mlp = new MlpPolicy(pendulum, [64, 64], seed: 5);
        var states = NativeCase.Record("pendulum-swingup", 6, seed: 11);
        yield return new("mlp_fp32", Export.ToFloatPolicy(mlp), states, Range(pendulum));
        var mlpW8 = Calibrated(mlp, QuantConfig.W8A8(), "pendulum-swingup");
        yield return new("mlp_w8a8", Export.ToIntegerPolicy(mlpW8), states, Range(pendulum));
        var mlpW4 = (PolicyNetwork)Quantizer.Prepare(mlp, QuantConfig.W4(32), seed: 1);
        yield return new("mlp_w4g32", Export.ToIntegerPolicy(mlpW4), states, Range(pendulum));
        var driving = Env.Make("driving-nocrash-tt", 0).Spec;
        var cilrs = new CilrsPolicy(driving, seed: 6, width: 4, featureSize: 32, headHidden: 16);
        var cilrsW8 = Calibrated(cilrs, QuantConfig.W8A8(), "driving-nocrash-tt");
        yield return new("cilrs_w8a8", Export.ToIntegerPolicy(cilrsW8),
            NativeCase.Record("driving-nocrash-tt", 3, seed: 12), Range(driving));
        var libero = Env.Make("libero-spatial", 0).Spec;
        var vla = new VlaPolicy(libero, seed: 7, modelDim: 32, layers: 1, heads: 2, patchSize: 16);
        var vlaW4 = (PolicyNetwork)Quantizer.Prepare(vla, QuantConfig.W4(32), seed: 1);
        yield return new("vla_w4g32", Export.ToIntegerPolicy(vlaW4),
            NativeCase.Record("libero-spatial", 3, seed: 13), Range(libero));
    }

    private static float[] Range(EnvSpec spec) => [.. spec.Action.High.Zip(spec.Action.Low, (h, l) => h - l)];

    // Activation ranges from a few env observations, as `qail quantize` calibrates on demonstrations.
    private static PolicyNetwork Calibrated(PolicyNetwork fp, QuantConfig config, string env)
    {
        fp.Eval();
        var prepared = (PolicyNetwork)Quantizer.Prepare(fp, config, seed: 1);
        var demos = Demonstrations.Collect(env, episodes: 1, seed: 3);
        int[] rows = [.. Enumerable.Range(0, Math.Min(demos.Steps, 32))];
        Quantizer.CalibrateActivations(prepared, [PolicyBatch.FromDemonstrations(demos, rows)],
            b => prepared.Predict(b));
        prepared.Eval();
        return prepared;
    }

    [SkippableTheory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void CAndCppExamplesActAsTheDotNetApiBitForBit(string rid)
    {
        string[] tools = rid == "linux-x64"
            ? ["clang", "gcc", "g++"]
            : ["clang", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objcopy", "qemu-aarch64"];
        var missing = tools.Where(t => !OnPath(t)).ToArray();
        Skip.If(missing.Length > 0,
            $"NativeAOT needs clang and the C toolchain for {rid}; missing {string.Join(", ", missing)} (.ci/run " +
            "installs clang gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user).");
        string artifacts = Path.Combine(Environment.GetEnvironmentVariable("QAIL_NATIVE_ARTIFACTS") ??
            Path.Combine(Path.GetTempPath(), "qail-native"), rid);
        var library = new FileInfo(Path.Combine(artifacts, "lib", "libqail.so"));
        Skip.IfNot(library.Exists && File.Exists(Path.Combine(artifacts, "lib", "act-dotnet")),
            $"no published libqail for {rid} in {artifacts}: " +
            $"run native/examples/publish.sh {rid} first (NativeAOT, minutes).");
        var newest = NewestSource();
        Skip.If(newest.LastWriteTimeUtc > library.LastWriteTimeUtc,
            $"the libqail published in {artifacts} is older than {newest.FullName}: " +
            $"rerun native/examples/publish.sh {rid}.");
        var cases = Cases().ToList();
        foreach (var c in cases) c.Write(_folder);

        var script = Path.Combine(RepositoryRoot(), "native", "examples", "run.sh");
        var start = new ProcessStartInfo("bash", [script, rid, _folder])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "run.sh did not finish in 5 minutes.");
        Assert.True(process.ExitCode == 0, $"run.sh exited {process.ExitCode}:\n{output}\n{stderr.Result}");

        var runs = Sections(output);
        bool cpp = OnPath(rid == "linux-x64" ? "g++" : "aarch64-linux-gnu-g++");
        string[] examples = cpp ? ["act", "act-memory", "policy_node"] : ["act", "act-memory"];
        string[] cpus = rid == "linux-x64" ? ["host"] : ["max", "cortex-a72"];
        foreach (var cpu in cpus)
        {
            string path = string.Join(" ", runs.GetValueOrDefault($"kernel-path {cpu}") ?? []);
            if (rid == "linux-arm64")
                Assert.Contains(cpu == "max" ? "ARM dot on" : "ARM dot off", path, StringComparison.Ordinal);
            else
                Assert.True(path == KernelDispatch.Describe(), $"libqail takes the kernel path {path}, " +
                    $"this process {KernelDispatch.Describe()}: rerun publish.sh linux-x64.");
            foreach (var c in cases)
            {
                var expected = c.ExpectedLines().ToList();
                var dotnet = runs.GetValueOrDefault($"{c.Name} act-dotnet {cpu}") ?? [];
                Assert.True(rid == "linux-x64" ? dotnet.SequenceEqual(expected) : Close(dotnet, expected, c.Range),
                    $"{rid} {cpu} {c.Name} act-dotnet vs this process:\n{Show(expected, dotnet)}");
                foreach (var example in examples)
                {
                    var lines = runs.GetValueOrDefault($"{c.Name} {example} {cpu}") ?? [];
                    Assert.True(lines.Count > 0 && lines.SequenceEqual(dotnet),
                        $"{rid} {cpu} {c.Name} {example} vs act-dotnet:\n{Show(dotnet, lines)}");
                }
            }
        }
    }

    private static string Show(List<string> expected, List<string> got) =>
        $"expected\n{string.Join("\n", expected)}\ngot\n{string.Join("\n", got)}";

    // Every action within 1e-5 of its dimension's range (lines of float bits in hex).
    private static bool Close(List<string> lines, List<string> expected, float[] range) =>
        lines.Count == expected.Count && lines.Zip(expected).All(pair =>
        {
            var (a, b) = (Floats(pair.First), Floats(pair.Second));
            return a.Length == b.Length
                && a.Select((v, i) => Math.Abs(v - b[i]) <= 1e-5 * (i < range.Length ? range[i] : 1)).All(ok => ok);
        });

    private static float[] Floats(string line) =>
        [.. line.Split(' ').Select(h =>
            BitConverter.UInt32BitsToSingle(uint.Parse(h, System.Globalization.NumberStyles.HexNumber)))];

    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.StartsWith("== ", StringComparison.Ordinal)) sections[line[3..].Trim()] = current = [];
            else current?.Add(line.Trim());
        return sections;
    }

    // The newest file libqail and act-dotnet are built from.
    private static FileInfo NewestSource()
    {
        string root = RepositoryRoot();
        string[] folders = ["native", "runtime", "kernels-cpu", "kernels-cuda", "engine", "io"];
        string[] kinds = [".cs", ".csproj", ".props", ".targets"];
        var files = folders
            .SelectMany(f => Directory.EnumerateFiles(Path.Combine(root, f), "*", SearchOption.AllDirectories))
            .Where(f => kinds.Contains(Path.GetExtension(f)) && !f.Contains("/obj/", StringComparison.Ordinal)
                && !f.Contains("/bin/", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(root, "Directory.*"));
        return files.Select(f => new FileInfo(f)).MaxBy(f => f.LastWriteTimeUtc)!;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

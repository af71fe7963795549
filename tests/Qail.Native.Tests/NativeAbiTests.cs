using System.Diagnostics;
using System.Runtime.CompilerServices;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Qail.Envs;

namespace Qail.Native.Tests;

/// <summary>
/// libqail's C API (native/include/qail.h) from C and C++: native/examples/run.sh publishes the library with
/// NativeAOT, compiles act.c (gcc) and policy_node.cpp (g++, a ROS-2-style loop with a replica on a second thread)
/// and runs them on FP32, W8A8 and W4 MLPs, a W8A8 CILRS (image + command) and a W4 VLA (image + instruction +
/// state). Every action must equal the .NET API's bit for bit, on linux-x64 and, under qemu, on linux-arm64.
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
        yield return new("mlp_fp32", Export.ToFloatPolicy(mlp), states);
        yield return new("mlp_w8a8", Export.ToIntegerPolicy(Calibrated(mlp, QuantConfig.W8A8(), "pendulum-swingup")), states);
        yield return new("mlp_w4g32", Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(mlp, QuantConfig.W4(32), seed: 1)), states);
        var driving = Env.Make("driving-nocrash-tt", 0).Spec;
        var cilrs = new CilrsPolicy(driving, seed: 6, width: 4, featureSize: 32, headHidden: 16);
        yield return new("cilrs_w8a8", Export.ToIntegerPolicy(Calibrated(cilrs, QuantConfig.W8A8(), "driving-nocrash-tt")),
            NativeCase.Record("driving-nocrash-tt", 3, seed: 12));
        var libero = Env.Make("libero-spatial", 0).Spec;
        var vla = new VlaPolicy(libero, seed: 7, modelDim: 32, layers: 1, heads: 2, patchSize: 16);
        yield return new("vla_w4g32", Export.ToIntegerPolicy((PolicyNetwork)Quantizer.Prepare(vla, QuantConfig.W4(32), seed: 1)),
            NativeCase.Record("libero-spatial", 3, seed: 13));
    }

    // Activation ranges from a few env observations, as `qail quantize` calibrates on demonstrations.
    private static PolicyNetwork Calibrated(PolicyNetwork fp, QuantConfig config, string env)
    {
        fp.Eval();
        var prepared = (PolicyNetwork)Quantizer.Prepare(fp, config, seed: 1);
        var demos = Demonstrations.Collect(env, episodes: 1, seed: 3);
        int[] rows = [.. Enumerable.Range(0, Math.Min(demos.Steps, 32))];
        Quantizer.CalibrateActivations(prepared, [PolicyBatch.FromDemonstrations(demos, rows)], b => prepared.Predict(b));
        prepared.Eval();
        return prepared;
    }

    [SkippableTheory]
    [InlineData("linux-x64")]
    [InlineData("linux-arm64")]
    public void CAndCppExamplesActAsTheDotNetApiBitForBit(string rid)
    {
        string[] tools = rid == "linux-x64" ? ["clang", "gcc", "g++"] : ["clang", "aarch64-linux-gnu-gcc", "aarch64-linux-gnu-objcopy", "qemu-aarch64"];
        var missing = tools.Where(t => !OnPath(t)).ToArray();
        Skip.If(missing.Length > 0, $"NativeAOT needs clang and the C toolchain for {rid}; missing {string.Join(", ", missing)} " +
            "(.ci/run installs clang gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user).");
        var cases = Cases().ToList();
        foreach (var c in cases) c.Write(_folder);

        var script = Path.Combine(RepositoryRoot(), "native", "examples", "run.sh");
        var start = new ProcessStartInfo("bash", [script, rid, _folder]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(20)), "run.sh did not finish in 20 minutes.");
        Assert.True(process.ExitCode == 0, $"run.sh exited {process.ExitCode}:\n{output}\n{stderr.Result}");

        var runs = Sections(output);
        bool cpp = OnPath(rid == "linux-x64" ? "g++" : "aarch64-linux-gnu-g++");
        foreach (var c in cases)
        {
            var expected = c.ExpectedLines().ToList();
            foreach (var example in cpp ? ["act", "act-memory", "policy_node"] : new[] { "act", "act-memory" })
                Assert.True(runs.TryGetValue($"{c.Name} {example}", out var lines) && lines.SequenceEqual(expected),
                    $"{rid} {c.Name} {example}: expected\n{string.Join("\n", expected)}\ngot\n{string.Join("\n", lines ?? [])}");
        }
    }

    private static Dictionary<string, List<string>> Sections(string output)
    {
        var sections = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (line.StartsWith("== ", StringComparison.Ordinal)) sections[line[3..].Trim()] = current = [];
            else current?.Add(line.Trim());
        return sections;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", ".."));
}

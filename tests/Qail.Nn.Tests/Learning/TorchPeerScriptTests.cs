using System.Diagnostics;
using System.Globalization;

namespace Qail.Nn.Tests.Learning;

/// <summary>
/// The PyTorch peer of perf/Qail.Perf.Nn runs every workload it is asked for and answers a time (so the peer table
/// compares like with like); skipped with the reason where no Python with torch is installed.
/// </summary>
public class TorchPeerScriptTests
{
    [SkippableFact]
    public void PeerScriptAnswersEveryWorkload()
    {
        string script = Path.Combine(RepositoryRoot(), "perf", "Qail.Perf.Nn", "peer", "torch_steps.py");
        Assert.True(File.Exists(script), script);
        string? python = new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(HasTorch);
        Skip.If(python is null, "no python3 with torch here (apt-get install python3-torch python3-numpy)");
        string[] workloads =
            ["step-mlp", "step-cnn", "step-transformer", "forward-mlp", "forward-cnn", "forward-transformer"];
        var input = "info\n" + string.Concat(workloads.Select(w => $"{w} 1 1\n"));
        var (code, output, error) = Run(python!, script, input);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(workloads.Length + 1, lines.Length);
        Assert.StartsWith("torch ", lines[0]);
        foreach (var line in lines[1..])
        {
            // "<median wall ms> <mean CPU ms>"
            var ms = line.Split(' ').Select(w => double.Parse(w, CultureInfo.InvariantCulture)).ToArray();
            Assert.True(ms.Length == 2 && ms.All(double.IsFinite) && ms[0] > 0, line);
        }
    }

    private static bool HasTorch(string python)
    {
        try
        {
            return Run(python, "-c", "import torch").Code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static (int Code, string Output, string Error) Run(string python, string argument, string input)
    {
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(argument);
        if (argument == "-c") info.ArgumentList.Add(input);
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using var process = Process.Start(info)!;
        if (argument != "-c") process.StandardInput.Write(input);
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000)) process.Kill();
        return (process.ExitCode, output, error.Result);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln"))) return dir.FullName;
        throw new InvalidOperationException("Engine.sln not found above the test binaries.");
    }
}

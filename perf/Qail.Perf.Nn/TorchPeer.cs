using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Qail.Perf.Nn;

/// <summary>
/// The PyTorch side of <see cref="PeerReport"/>: one long-lived <c>peer/torch_steps.py</c> process answering
/// "workload threads calls" requests with the median wall and mean CPU milliseconds. Started with
/// OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads sleep instead of spinning on the shared cores) and without the
/// OPENBLAS_* tuning overrides.
/// </summary>
public sealed class TorchPeer : IDisposable
{
    private readonly Process _process;

    private TorchPeer(Process process, string info)
    {
        _process = process;
        Info = info;
    }

    /// <summary>Torch version and the BLAS library it loaded.</summary>
    public string Info { get; }

    /// <summary>Starts the peer, or returns null with the reason when no Python with torch runs.</summary>
    public static TorchPeer? Start(out string? reason)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "peer", "torch_steps.py");
        if (!File.Exists(script))
        {
            reason = $"{script} is missing";
            return null;
        }
        var named = Environment.GetEnvironmentVariable("QAIL_TORCH_PYTHON");
        string[] candidates = string.IsNullOrEmpty(named) ? ["python3", "/usr/bin/python3"] : [named];
        reason = "no python3 found";
        foreach (var python in candidates)
        {
            if (TryStart(python, script, out var peer, out var why)) return peer;
            reason = why;
        }
        reason += " (install python3-torch, or set QAIL_TORCH_PYTHON)";
        return null;
    }

    /// <summary>
    /// Median wall milliseconds and mean process CPU milliseconds (all threads) of <paramref name="calls"/> calls of
    /// the peer's workload.
    /// </summary>
    public (double Wall, double Cpu) Measure(string workload, int threads, int calls)
    {
        var words = Ask(string.Create(CultureInfo.InvariantCulture, $"{workload} {threads} {calls}")).Split(' ');
        return (double.Parse(words[0], CultureInfo.InvariantCulture),
            double.Parse(words[1], CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000)) _process.Kill();
        }
        finally { _process.Dispose(); }
    }

    private string Ask(string request)
    {
        _process.StandardInput.WriteLine(request);
        return _process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"torch peer exited: {_process.StandardError.ReadToEnd().Trim()}");
    }

    private static bool TryStart(string python, string script, out TorchPeer? peer, out string reason)
    {
        peer = null;
        var info = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        info.Environment.Remove("OPENBLAS_CORETYPE");
        info.Environment.Remove("OPENBLAS_L2_SIZE");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            reason = $"{python}: {e.Message}";
            return false;
        }
        var candidate = new TorchPeer(process, "");
        try
        {
            peer = new TorchPeer(process, candidate.Ask("info"));
            reason = "";
            return true;
        }
        catch (InvalidOperationException e)
        {
            candidate.Dispose();
            reason = $"{python}: {e.Message.Split('\n').LastOrDefault(l => l.Length > 0)}";
            return false;
        }
    }
}

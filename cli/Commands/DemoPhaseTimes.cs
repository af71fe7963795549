using System.Diagnostics;
using System.Globalization;
using Qail.Experiments;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// Passes a study's progress on and times its phases: each finished stage is charged the wall and process CPU time
/// since the previous one finished, so the phases add up to the whole run. CPU time over the cores is what the run
/// would take on an idle machine when its work is parallel; the table printed at the end shows both.
/// </summary>
internal sealed class DemoPhaseTimes(IStudyProgress inner) : IStudyProgress
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private readonly List<(string Stage, double Wall, double Cpu)> _phases = [];
    private readonly TimeSpan _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private double _lastWall;
    private double _lastCpu;

    public void Begin(string stage, int total) => inner.Begin(stage, total);

    public void Advance(string stage, int done) => inner.Advance(stage, done);

    public void End(string stage, string summary)
    {
        var (wall, cpu) = Mark(stage);
        inner.End(stage, $"{summary} [phase: {Seconds(wall)} s wall, {Seconds(cpu)} s CPU]");
    }

    /// <summary>Charges the time since the last phase to <paramref name="stage"/>; returns its wall and CPU.</summary>
    public (double Wall, double Cpu) Mark(string stage)
    {
        lock (_gate)
        {
            double wall = _wall.Elapsed.TotalSeconds, cpu = Cpu();
            _phases.Add((stage, wall - _lastWall, cpu - _lastCpu));
            (double w, double c) = (wall - _lastWall, cpu - _lastCpu);
            (_lastWall, _lastCpu) = (wall, cpu);
            return (w, c);
        }
    }

    /// <summary>The phases as a table: wall and CPU seconds each, their share of the wall, and the totals.</summary>
    public Table ToTable()
    {
        lock (_gate)
        {
            double wall = _phases.Sum(p => p.Wall), cpu = _phases.Sum(p => p.Cpu);
            var table = new Table().Title("phase times (each: since the previous phase ended)")
                .AddColumns("phase", "wall s", "CPU s", "% of wall");
            foreach (var (stage, w, c) in _phases)
                table.AddRow(Markup.Escape(stage), Seconds(w), Seconds(c), Seconds(100 * w / Math.Max(1e-9, wall)));
            table.AddRow("[bold]total[/]", Seconds(wall), Seconds(cpu), "100");
            double idle = cpu / Environment.ProcessorCount;
            table.Caption($"CPU / {Environment.ProcessorCount} cores = {Seconds(idle)} s ({Seconds(idle / 60)} min): " +
                $"about the wall time on an idle machine where the work is parallel; load average at the end " +
                LoadAverage());
            return table;
        }
    }

    private double Cpu() => (Process.GetCurrentProcess().TotalProcessorTime - _cpuAtStart).TotalSeconds;

    private static string Seconds(double s) => s.ToString("F1", CultureInfo.InvariantCulture);

    // The 1-minute load average where the OS shows it (Linux), so a timing read later says how busy the machine was.
    private static string LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "unknown";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

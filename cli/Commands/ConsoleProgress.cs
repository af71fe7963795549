using Qail.Experiments;
using Spectre.Console;

namespace Qail.Cli.Commands;

/// <summary>
/// Prints a study's stages as they happen: a line per finished stage, a live percentage while one runs.
/// </summary>
internal sealed class ConsoleProgress(IAnsiConsole console) : IStudyProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _totals = [];
    private readonly Dictionary<string, int> _lastShown = [];

    public void Begin(string stage, int total)
    {
        lock (_gate)
        {
            _totals[stage] = Math.Max(1, total);
            _lastShown[stage] = -1;
        }
    }

    public void Advance(string stage, int done)
    {
        lock (_gate)
        {
            int percent = 100 * done / _totals.GetValueOrDefault(stage, 1);
            if (percent / 25 == _lastShown.GetValueOrDefault(stage, -1) / 25) return;
            _lastShown[stage] = percent;
            console.MarkupLine($"[grey]  {Markup.Escape(stage)}: {percent}%[/]");
        }
    }

    public void End(string stage, string summary)
    {
        lock (_gate) console.MarkupLine($"[green]✓[/] {Markup.Escape(stage)}: {Markup.Escape(summary)}");
    }
}

using System.Globalization;
using System.Text;
using Qail.Experiments;
using Qail.IO;
using ScottPlot;

namespace Qail.Cli.Report;

/// <summary>Writes a study's report folder: README.md with the tables, and PNG + SVG plots next to it.</summary>
internal static class StudyReport
{
    /// <summary>Writes the report into <paramref name="folder"/> (created when missing) and returns the markdown path.</summary>
    public static string Write(string folder, SeedSweepResult sweep, IReadOnlyList<DeploymentRow> deployment)
    {
        Directory.CreateDirectory(folder);
        var study = sweep.Runs[0];
        ReturnBars(study, Path.Combine(folder, "returns"));
        DiscrepancyCurves(study, Path.Combine(folder, "action-discrepancy"));
        if (deployment.Count > 0) LatencyBars(deployment, Path.Combine(folder, "latency"));
        string path = Path.Combine(folder, "README.md");
        AtomicFile.WriteAllText(path, Markdown(sweep, deployment));
        return path;
    }

    /// <summary>The markdown tables of a study (the first training seed's in full, then the summary over seeds).</summary>
    public static string Markdown(SeedSweepResult sweep, IReadOnlyList<DeploymentRow> deployment)
    {
        var study = sweep.Runs[0];
        var o = study.Options;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Qail study: {o.Env}, {o.Config.Label}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{o.DemoEpisodes} expert episodes (DART noise {o.DemoNoise}), {study.Teacher.GetType().Name} with {study.Teacher.ParameterCount} parameters, {o.Training.Epochs} BC epochs, " +
            $"{o.FineTuning.Epochs} fine-tuning epochs, {o.EvalEpisodes} evaluation episodes, seed {o.Seed}.");
        text.AppendLine();
        text.AppendLine("| policy | return (mean ± std) | success % | driving score | mean action error vs FP | time (s) |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in study.Rows)
        {
            double score = row.Evaluation.MeanMetric("driving_score");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Name} | {row.Evaluation.MeanReturn:F1} ± {row.Evaluation.StdReturn:F1} | {row.Evaluation.SuccessRate:F0} | " +
                $"{(double.IsNaN(score) ? "-" : score.ToString("F1", CultureInfo.InvariantCulture))} | " +
                $"{(row.Discrepancy.Length == 0 ? "-" : row.Discrepancy.Average().ToString("F4", CultureInfo.InvariantCulture))} | {row.Seconds:F1} |");
        }
        if (sweep.Runs.Count > 1)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Over {sweep.Runs.Count} training seeds ({string.Join(", ", sweep.Runs.Select(r => r.Options.Seed))}; same evaluation episodes), mean ± std over seeds:");
            text.AppendLine();
            text.AppendLine("| policy | return | mean episode std | success % | driving score |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var row in sweep.Summary)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {row.Name} | {row.MeanReturn:F1} ± {row.StdReturnOverSeeds:F1} | {row.MeanEpisodeStd:F1} | {row.MeanSuccess:F0} ± {row.StdSuccessOverSeeds:F0} | " +
                    $"{(double.IsNaN(row.MeanDrivingScore) ? "-" : row.MeanDrivingScore.ToString("F1", CultureInfo.InvariantCulture))} |");
        }
        if (deployment.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Deployed policies (real integer kernels, batch 1, this machine):");
            text.AppendLine();
            text.AppendLine("| deployed policy | return (mean ± std) | success % | median latency (µs) | speed-up vs FP32 | model bytes |");
            text.AppendLine("|---|---|---|---|---|---|");
            double fp = deployment[0].MedianMicroseconds;
            foreach (var d in deployment)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {d.Name} | {d.Evaluation.MeanReturn:F1} ± {d.Evaluation.StdReturn:F1} | {d.Evaluation.SuccessRate:F0} | {d.MedianMicroseconds:F1} | {fp / d.MedianMicroseconds:F2}x | {d.ModelBytes} |");
            if (deployment[0].OnDevice is { } device)
            {
                text.AppendLine();
                text.AppendLine(CultureInfo.InvariantCulture, $"The same deployed policies on {device.Device} (GpuPolicy, batch 1, upload to download):");
                text.AppendLine();
                text.AppendLine("| deployed policy | median latency (µs) | speed-up vs FP32 |");
                text.AppendLine("|---|---|---|");
                foreach (var d in deployment.Where(d => d.OnDevice is not null))
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {d.Name} | {d.OnDevice!.MedianMicroseconds:F1} | {device.MedianMicroseconds / d.OnDevice.MedianMicroseconds:F2}x |");
            }
        }
        text.AppendLine();
        text.AppendLine("![returns](returns.png) ![action discrepancy](action-discrepancy.png)" + (deployment.Count > 0 ? " ![latency](latency.png)" : ""));
        return text.ToString();
    }

    private static void ReturnBars(StudyResult study, string basePath)
    {
        var plot = new Plot();
        var bars = study.Rows.Select((r, i) => new Bar
        {
            Position = i,
            Value = r.Evaluation.MeanReturn,
            Error = r.Evaluation.StdReturn,
        }).ToArray();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, study.Rows.Count).Select(i => (double)i).ToArray(), study.Rows.Select(r => r.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{study.Options.Env}: closed-loop return ({study.Options.Config.Label})");
        plot.YLabel("episode return");
        Save(plot, basePath);
    }

    private static void DiscrepancyCurves(StudyResult study, string basePath)
    {
        var plot = new Plot();
        foreach (var row in study.Rows.Where(r => r.Discrepancy.Length > 0))
        {
            var line = plot.Add.Signal(row.Discrepancy);
            line.LegendText = row.Name;
        }
        plot.ShowLegend();
        plot.Title("Per-step action error vs the FP policy along one episode");
        plot.XLabel("step");
        plot.YLabel("|a_q - a_fp|");
        Save(plot, basePath);
    }

    private static void LatencyBars(IReadOnlyList<DeploymentRow> deployment, string basePath)
    {
        var plot = new Plot();
        plot.Add.Bars(deployment.Select((d, i) => new Bar { Position = i, Value = d.MedianMicroseconds }).ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, deployment.Count).Select(i => (double)i).ToArray(), deployment.Select(d => d.Name).ToArray());
        plot.Axes.Margins(bottom: 0);
        plot.Title("Batch-1 latency of deployed policies");
        plot.YLabel("median µs per action");
        Save(plot, basePath);
    }

    private static void Save(Plot plot, string basePath)
    {
        AtomicFile.WriteAllBytes(basePath + ".png", plot.GetImageBytes(800, 450, ImageFormat.Png));
        AtomicFile.WriteAllText(basePath + ".svg", plot.GetSvgXml(800, 450));
    }
}

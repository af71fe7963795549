using System.Globalization;
using System.Text;
using Qail.Experiments;
using Qail.IO;
using ScottPlot;

namespace Qail.Cli.Report;

/// <summary>
/// Writes `qail demo`'s report folder: README.md with the study table (<see cref="MatrixReport"/>) and the deployed
/// policies, plus plots.
/// </summary>
internal static class StudyReport
{
    /// <summary>
    /// Writes the report into <paramref name="folder"/> (created when missing) and returns the markdown path.
    /// </summary>
    public static string Write(string folder, IReadOnlyList<StudyCell> cells, StudyResult first,
        IReadOnlyList<DeploymentRow> deployment)
    {
        var o = first.Options;
        string preamble = string.Create(CultureInfo.InvariantCulture,
            $"# Qail demo: {o.Env}, {o.Config.Label}\n\n{o.DemoEpisodes} expert episodes (DART noise {o.DemoNoise}), "
            + $"{first.Teacher.GetType().Name} with " +
            $"{first.Teacher.ParameterCount} parameters, at most {o.Training.Epochs} BC epochs (early-stopped), "
            + $"{o.FineTuning.Epochs} fine-tuning epochs, " +
            $"{o.ValidationEpisodes} validation and {o.EvalEpisodes} test episodes per policy and seed.\n\n");
        string path = MatrixReport.Write(folder, cells, preamble);
        if (deployment.Count == 0) return path;
        LatencyBars(deployment, Path.Combine(folder, "latency"));
        AtomicFile.WriteAllText(path, File.ReadAllText(path) + Deployment(deployment));
        return path;
    }

    private static string Deployment(IReadOnlyList<DeploymentRow> deployment)
    {
        var text = new StringBuilder();
        text.AppendLine("Deployed policies (real integer kernels, batch 1, this machine; first training seed):");
        text.AppendLine();
        text.AppendLine("| deployed policy | return (mean ± std) | success % | median latency (µs) | speed-up vs FP32 "
            + "| model bytes |");
        text.AppendLine("|---|---|---|---|---|---|");
        double fp = deployment[0].MedianMicroseconds;
        foreach (var d in deployment)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {d.Name} | {d.Evaluation.MeanReturn:F1} ± {d.Evaluation.StdReturn:F1} | "
                + $"{d.Evaluation.SuccessRate:F0} | {d.MedianMicroseconds:F1} | {fp / d.MedianMicroseconds:F2}x | "
                + $"{d.ModelBytes} |");
        if (deployment[0].OnDevice is { } device)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"The same deployed policies on {device.Device} (GpuPolicy, batch 1, upload to download):");
            text.AppendLine();
            text.AppendLine("| deployed policy | median latency (µs) | speed-up vs FP32 |");
            text.AppendLine("|---|---|---|");
            foreach (var d in deployment.Where(d => d.OnDevice is not null))
                text.AppendLine(CultureInfo.InvariantCulture, $"| {d.Name} | {d.OnDevice!.MedianMicroseconds:F1} | "
                    + $"{device.MedianMicroseconds / d.OnDevice.MedianMicroseconds:F2}x |");
        }
        text.AppendLine();
        text.AppendLine("![latency](latency.png)");
        return text.ToString();
    }

    private static void LatencyBars(IReadOnlyList<DeploymentRow> deployment, string basePath)
    {
        var plot = new Plot();
        plot.Add.Bars(deployment.Select((d, i) => new Bar { Position = i, Value = d.MedianMicroseconds }).ToArray());
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, deployment.Count).Select(i => (double)i).ToArray(),
            deployment.Select(d => d.Name).ToArray());
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

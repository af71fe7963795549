namespace Qail.Cli.Tests;

/// <summary>`qail study` on a tiny matrix in two shards, a resumed rerun, and `qail study merge`.</summary>
public sealed class StudyCommandTests
{
    private static readonly string[] Tiny =
    [
        "--envs", "pendulum-swingup", "--configs", "W3", "--methods", "PtqMinMax", "Ptq", "QailQbc", "--training-seeds",
        "2",
        "--episodes", "2", "--validation-episodes", "1", "--demos", "3", "--epochs", "2", "--fine-tune-epochs", "1",
        "--learning-rates", "3e-4", "1e-3", "--qbc-weights", "1", "3", "--expert-episodes", "1", "--demo-seed", "0",
        "--dagger-rounds", "1", "--dagger-episodes", "1",
    ];

    [Fact]
    public void ShardsWriteCellsThatResumeAndMergeIntoOneReport()
    {
        string folder = Path.Combine(Path.GetTempPath(), "qail-study-" + Guid.NewGuid().ToString("N"));
        try
        {
            var first = QailRun.Of(["study", .. Tiny, "--shard", "1/2", "--out", folder]).Succeeded();
            Assert.Contains("cells done 1/1", first.Output);
            Assert.Contains("DAgger round 1: previous teacher's new episodes returned", first.Output);
            Assert.Contains("1 of 2 cells present", first.Output);
            var again = QailRun.Of(["study", .. Tiny, "--shard", "1/2", "--out", folder]).Succeeded();
            Assert.Contains("1 already done", again.Output);
            QailRun.Of(["study", .. Tiny, "--shard", "2/2", "--out", folder]).Succeeded();
            Assert.Equal(2, Directory.GetFiles(Path.Combine(folder, "cells"), "*.tsv").Length);

            string merged = Path.Combine(folder, "merged");
            var merge = QailRun.Of("study", "merge", folder, "--out", merged).Succeeded();
            Assert.Contains("Merged 2 cells", merge.Output);
            string report = File.ReadAllText(Path.Combine(merged, "README.md"));
            foreach (var row in new[] { "| expert |", "| FP32 |", "| FP + extra epochs |", "| PTQ min-max |",
                "| PTQ (best clip) |", "| QAIL+QBC |" })
                Assert.Contains(row, report);
            Assert.Contains("## pendulum-swingup, W3", report);
            Assert.Matches(@"\(validation loss\); DAgger rounds [01], [01] of 1 \(validation return\)\.", report);
            Assert.Matches(@"\| FP32 \|.*s0: DAgger round [01] of 1, epoch", report);
            Assert.Contains("2 test episodes per policy and seed (seeds 1000000 on; the expert's row the first 1",
                report);
            Assert.Matches(
                @"PTQ \(best clip\) (loses [0-9.]+%|scores [0-9.]+% above FP)|FP scores about nothing: no relative",
                report);
            // The learning rate and QBC weight chosen on validation episodes are recorded per seed.
            Assert.Matches(@"\| QAIL\+QBC \|.*s0: lr (3e-4|1e-3), λ [13], epoch", report);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void BadShardAndConfigAreOneLineErrors()
    {
        QailRun.Of("study", "--shard", "3/2").FailedWith("--shard", "3/2");
        QailRun.Of("study", "--configs", "W9").FailedWith("--configs", "W9");
        QailRun.Of("study", "--episodes", "2", "--expert-episodes", "3").FailedWith("--expert-episodes", "3");
        QailRun.Of("study", "--expert-episodes", "0").FailedWith("--expert-episodes", "0");
        QailRun.Of("study", "--demo-seed", "-1").FailedWith("--demo-seed", "-1");
        QailRun.Of("study", "--dagger-rounds", "-1").FailedWith("--dagger-rounds", "-1");
        QailRun.Of("study", "--dagger-episodes", "0").FailedWith("--dagger-episodes", "0");
        string unused = Path.Combine(Path.GetTempPath(), "qail-study-" + Guid.NewGuid().ToString("N"));
        QailRun.Of("study", "--demos", "3", "--dagger-rounds", "5", "--out", unused)
            .FailedWith("DAgger: 5 rounds of 10 episodes");
        if (Directory.Exists(unused)) Directory.Delete(unused, recursive: true);
        QailRun.Of("study", "merge", "/nonexistent-qail-folder").FailedWith("nonexistent-qail-folder");
    }
}

using System.Security.Cryptography;
using Qail.Envs;
using Qail.IO;
using Qail.Nn.Checkpoints;
using Xunit.Abstractions;

namespace Qail.Cli.Tests.Hostile;

/// <summary>
/// One test per class of hostile command in issue 17: bad options of every command, outputs naming an input,
/// unwritable outputs, devices given as files, non-finite files, declared sizes out of proportion, a diverging run,
/// leftovers of a killed writer. Every one ends as one "error:" line with exit code 2 and leaves every file as it was.
/// </summary>
public sealed class HostileCommandTests(TinyChain chain, ITestOutputHelper log) : IClassFixture<TinyChain>
{
    [Fact]
    public void EveryBadCommandLine_EndsInOneErrorLine_AndChangesNoFile()
    {
        string scratch = Directory.CreateDirectory(Path.Combine(chain.Folder, "bad-commands")).FullName;
        var before = Hashes(chain.Folder);
        var lines = BadCommandLines.For(chain, scratch);
        foreach (var args in lines)
        {
            var run = QailRun.Of(args);
            string line = string.Join(' ', args);
            Assert.True(run.ExitCode == CliExit, $"`qail {line}` exited {run.ExitCode}\n{run.Error}\n{run.Output}");
            var errors = run.Error.TrimEnd().Split('\n');
            Assert.True(errors.Length == 1 && errors[0].StartsWith("error: ", StringComparison.Ordinal),
                $"`qail {line}` wrote:\n{run.Error}");
            Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("unforeseen", run.Error, StringComparison.Ordinal);
        }
        Assert.Equal(before, Hashes(chain.Folder));
        Assert.Empty(Directory.EnumerateFileSystemEntries(scratch));
        log.WriteLine($"{lines.Count} bad command lines: all exit 2 with one error line; no file changed or created.");
    }

    [Theory]
    [InlineData("train")]
    [InlineData("quantize-policy")]
    [InlineData("quantize-demos")]
    [InlineData("render-out")]
    [InlineData("render-strip")]
    public void OutputNamingAnInput_IsRefused_AndTheInputSurvives(string which)
    {
        string[] args = which switch
        {
            "train" => ["train", "--demos", chain.Demos, "--out", chain.Demos],
            "quantize-policy" =>
                ["quantize", "--policy", chain.FullPrecision, "--demos", chain.Demos, "--out", chain.FullPrecision],
            "quantize-demos" =>
                ["quantize", "--policy", chain.FullPrecision, "--demos", chain.Demos, "--out", chain.Demos],
            "render-out" => ["render", "--policy", chain.Deployed, "--env", TinyChain.Env, "--out", chain.Deployed],
            _ => ["render", "--policy", chain.Deployed, "--env", TinyChain.Env, "--out",
                Path.Combine(chain.Folder, "s.gif"), "--strip", chain.Deployed],
        };
        var before = Hashes(chain.Folder);
        QailRun.Of(args).FailedWith("error:", "is the file given as");
        Assert.Equal(before, Hashes(chain.Folder));
    }

    [SkippableFact]
    public void OutputThroughASymbolicLinkToAnInput_IsRefused()
    {
        string link = Path.Combine(chain.Folder, "link-to-demos.safetensors");
        try
        {
            File.CreateSymbolicLink(link, chain.Demos);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Skip.If(true, $"symbolic links cannot be created here: {e.Message}");
        }
        var before = File.ReadAllBytes(chain.Demos);
        QailRun.Of("train", "--demos", chain.Demos, "--out", link).FailedWith("--out", "is the file given as --demos");
        Assert.Equal(before, File.ReadAllBytes(chain.Demos));
        File.Delete(link);
    }

    [Fact]
    public void DivergingTraining_NamesEpochAndLoss_AndKeepsTheLastGoodCheckpoint()
    {
        string output = Path.Combine(chain.Folder, "kept.safetensors");
        File.Copy(chain.FullPrecision, output, overwrite: true);
        var before = File.ReadAllBytes(output);
        var run = QailRun.Of("train", "--demos", chain.Demos, "--hidden", "16,16", "--epochs", "3", "--learning-rate",
            "1e30", "--out", output);
        run.FailedWith("error: training diverged in epoch", "loss", output);
        Assert.Equal(CliExit, run.ExitCode);
        Assert.Equal(before, File.ReadAllBytes(output));
        Assert.Empty(Directory.EnumerateFiles(chain.Folder, "*" + AtomicFile.TempSuffix));
    }

    [Fact]
    public void KilledWritersLeftovers_AreRemovedByTheNextWriter_AndAWriteLeavesNone()
    {
        string folder = Directory.CreateDirectory(Path.Combine(chain.Folder, "leftovers")).FullName;
        // A temp file as a killed `qail collect` leaves it: its writer's process id no longer runs.
        string leftover = Path.Combine(folder,
            $".demos.safetensors.2000000000.0123456789abcdef{AtomicFile.TempSuffix}");
        File.WriteAllBytes(leftover, new byte[100]);
        string output = Path.Combine(folder, "demos.safetensors");
        File.WriteAllBytes(output, [1, 2, 3]);
        QailRun.Of("collect", "--env", TinyChain.Env, "--episodes", "1", "--out", output).Succeeded();
        Assert.False(File.Exists(leftover));
        Assert.Empty(Directory.EnumerateFiles(folder, "*" + AtomicFile.TempSuffix));
        Assert.Equal(1, Demonstrations.Load(output).Episodes);
    }

    [Fact]
    public void NonFiniteDemonstrations_AreRefusedNamingTheValue()
    {
        string bad = chain.Damaged(chain.Demos, "nan-demos.safetensors",
            b => FileEdits.DemonstrationsWith(b, "rewards", 0, float.NaN));
        QailRun.Of("train", "--demos", bad, "--out", Path.Combine(chain.Folder, "nan.safetensors"))
            .FailedWith("--demos", "rewards", "NaN");
        string huge = chain.Damaged(chain.Demos, "huge-demos.safetensors",
            b => FileEdits.DemonstrationsWith(b, "state", 1, 3e38f));
        QailRun.Of("train", "--demos", huge, "--out", Path.Combine(chain.Folder, "huge.safetensors"))
            .FailedWith("--demos", "state", "finite value within");
    }

    [Theory]
    [InlineData("body.0.weight", float.NaN, "not finite")]
    [InlineData("body.0.weight", float.PositiveInfinity, "not finite")]
    [InlineData("state_std", 1e-45f, "smallest normalisation std")]
    [InlineData("state_std", 0f, "smallest normalisation std")]
    [InlineData("state_mean", 3e38f, "beyond")]
    public void NonFiniteOrOverflowingCheckpoint_IsRefused(string tensor, float value, string reason)
    {
        string bad = Path.Combine(chain.Folder, $"bad-{tensor}-{value}.safetensors");
        FileEdits.CheckpointWith(chain.FullPrecision, bad,
            archive => archive.Tensors[tensor].AsSpan<float>()[0] = value);
        QailRun.Of("eval", "--policy", bad, "--episodes", "1").FailedWith("--policy", tensor, reason);
    }

    [Fact]
    public void CheckpointDeclaringHugeHiddenWidths_IsRefusedBeforeBuildingTheNetwork()
    {
        string bad = Path.Combine(chain.Folder, "wide.safetensors");
        FileEdits.CheckpointWith(chain.FullPrecision, bad, archive => archive.Metadata["qail.hidden"] = "4096,4096");
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        QailRun.Of("eval", "--policy", bad, "--episodes", "1").FailedWith("--policy", "declares a network");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 64L << 20,
            "the refusal allocated more than 64 MB");
    }

    private const int CliExit = 2;

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.EnumerateFiles(folder).ToDictionary(f => f,
            f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}

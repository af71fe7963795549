using FsCheck.Xunit;

namespace Qail.Cli.Tests;

/// <summary>
/// Missing files, damaged files and bad options end in a non-zero exit and one clear error line, never a stack trace.
/// </summary>
public sealed class ErrorTests(TinyChain chain) : IClassFixture<TinyChain>
{
    [Fact]
    public void MissingDemos_NamesOptionAndPath()
    {
        string missing = Path.Combine(chain.Folder, "nope.safetensors");
        QailRun.Of("train", "--demos", missing, "--out", Path.Combine(chain.Folder, "x.safetensors"))
            .FailedWith("--demos", missing, "does not exist");
        Assert.False(File.Exists(Path.Combine(chain.Folder, "x.safetensors")));
    }

    [Fact]
    public void MissingPolicy_NamesOptionAndPath()
    {
        string missing = Path.Combine(chain.Folder, "gone.safetensors");
        QailRun.Of("eval", "--policy", missing, "--env", TinyChain.Env)
            .FailedWith("--policy", missing, "does not exist");
    }

    [Fact]
    public void TruncatedDemos_AreRejected()
    {
        string bad = chain.Damaged(chain.Demos, "truncated-demos.safetensors", b => b[..(b.Length / 2)]);
        QailRun.Of("train", "--demos", bad, "--out", Path.Combine(chain.Folder, "y.safetensors")).FailedWith("--demos",
            bad, "not a valid demonstrations file");
    }

    [Fact]
    public void CorruptedDemos_FailTheChecksum()
    {
        string bad = chain.Damaged(chain.Demos, "flipped-demos.safetensors", b =>
        {
            var c = (byte[])b.Clone();
            c[^5] ^= 0x5a;
            return c;
        });
        QailRun.Of("train", "--demos", bad, "--out", Path.Combine(chain.Folder, "z.safetensors"))
            .FailedWith("--demos", "corrupted");
    }

    [Theory]
    [InlineData("eval")]
    [InlineData("bench")]
    [InlineData("render")]
    public void TruncatedPolicy_IsRejectedByEveryReader(string command)
    {
        string bad = chain.Damaged(chain.Deployed, $"truncated-{command}.safetensors", b => b[..(b.Length - 9)]);
        string[] args = command == "render"
            ? ["render", "--policy", bad, "--env", TinyChain.Env, "--out", Path.Combine(chain.Folder, "r.gif")]
            : [command, "--policy", bad, "--env", TinyChain.Env];
        QailRun.Of(args).FailedWith("--policy", bad, "not a valid policy file");
    }

    [Fact]
    public void DemosGivenAsPolicy_AreRejected()
    {
        QailRun.Of("eval", "--policy", chain.Demos, "--env", TinyChain.Env).FailedWith("--policy", chain.Demos,
            "not a valid policy file");
    }

    [Fact]
    public void DeployedPolicyAsTeacher_IsRejected()
    {
        QailRun.Of("quantize", "--policy", chain.Deployed, "--demos", chain.Demos, "--out",
            Path.Combine(chain.Folder, "q.safetensors"))
            .FailedWith("--policy", "already a deployed");
    }

    [Fact]
    public void DeployedPolicyInAnEnvOfAnotherShape_IsRejected()
    {
        QailRun.Of("eval", "--policy", chain.Deployed, "--env", "reacher-easy").FailedWith("--env", "reacher-easy");
    }

    [Fact]
    public void UnknownEnv_NamesTheOptionAndTheKnownEnvs()
    {
        QailRun.Of("eval", "--policy", chain.Deployed, "--env", "cartpole-sideways").FailedWith("--env",
            "cartpole-sideways", "cartpole-balance");
    }

    [Fact]
    public void DeployedPolicyWithoutEnv_AsksForIt()
    {
        QailRun.Of("eval", "--policy", chain.Deployed).FailedWith("--env");
    }

    [Theory]
    [InlineData("no-such-env", "collect", "--env", "no-such-env", "--out", "d.safetensors")]
    [InlineData("gptq", "quantize", "--policy", "p", "--demos", "d", "--out", "o", "--method", "gptq")]
    [InlineData("Smoothquant", "demo", "--methods", "Ptq,Smoothquant")]
    [InlineData("--hidden", "train", "--demos", "d", "--out", "o", "--hidden", "16,x")]
    [InlineData("--noise", "collect", "--env", "cartpole-balance", "--out", "d.safetensors", "--noise", "-1")]
    [InlineData("--episodes", "collect", "--env", "cartpole-balance", "--out", "d.safetensors", "--episodes", "0")]
    [InlineData("--out", "collect", "--env", "cartpole-balance", "--out", "/no/such/folder/d.safetensors")]
    [InlineData("--out", "train", "--demos", "d")]
    [InlineData("--granularity", "quantize", "--policy", "p", "--demos", "d", "--out", "o", "--granularity", "PerRow")]
    public void BadOption_FailsNamingIt(string expected, params string[] args)
    {
        var run = QailRun.Of(args);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(expected, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Property(MaxTest = 40)]
    public bool Bits_OutsideTwoToEightAreRejectedBeforeAnyWork(int bits)
    {
        var run = QailRun.Of("quantize", "--policy", "p", "--demos", "d", "--out", "o", "--bits",
            bits.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // In range, the command gets as far as the (missing) policy file; out of range, the parser stops at --bits.
        return run.ExitCode != 0 && run.Error.Contains(bits is >= 2 and <= 8 ? "--policy" : "--bits",
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("envs")]
    [InlineData("collect")]
    [InlineData("train")]
    [InlineData("quantize")]
    [InlineData("eval")]
    [InlineData("bench")]
    [InlineData("render")]
    public void Help_DescribesEveryCommand(string command)
    {
        var run = QailRun.Of(command, "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output);
        Assert.Contains(command, run.Output);
    }
}

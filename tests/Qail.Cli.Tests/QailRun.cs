using System.CommandLine;
using Qail.Cli.Commands;

namespace Qail.Cli.Tests;

/// <summary>What one in-process `qail` invocation returned and wrote.</summary>
public sealed record QailRun(int ExitCode, string Output, string Error)
{
    /// <summary>Invokes `qail args...` in-process, capturing standard output and error.</summary>
    public static QailRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = QailCommandLine.Invoke(args, new InvocationConfiguration { Output = output, Error = error });
        return new QailRun(code, output.ToString(), error.ToString());
    }

    /// <summary>Throws with both streams when the command failed, so a broken step says why.</summary>
    public QailRun Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}");
        Assert.Equal("", Error);
        return this;
    }

    /// <summary>Asserts a clean failure: non-zero exit, an error naming every fragment, and no stack trace.</summary>
    public QailRun FailedWith(params string[] fragments)
    {
        Assert.True(ExitCode != 0, $"expected failure, got exit 0\nstdout:\n{Output}");
        foreach (var fragment in fragments) Assert.Contains(fragment, Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", Error, StringComparison.Ordinal);
        return this;
    }
}

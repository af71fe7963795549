namespace Qail.Cli.Tests.Hostile;

/// <summary>
/// Command lines a hostile or careless user types, one list per command: every option out of range, past its stated
/// limit, of the wrong type, or naming a file that is missing, a folder, a device, of the wrong kind, or one of the
/// command's own inputs. Each must end before any work with one "error:" line and exit code 2.
/// </summary>
internal static class BadCommandLines
{
    /// <summary>All bad command lines over the chain's files; outputs go into <paramref name="scratch"/>.</summary>
    public static List<string[]> For(TinyChain chain, string scratch)
    {
        string demos = chain.Demos, fp = chain.FullPrecision, deployed = chain.Deployed, env = TinyChain.Env;
        string missing = Path.Combine(scratch, "missing.safetensors"),
            outFile = Path.Combine(scratch, "out.safetensors");
        string gif = Path.Combine(scratch, "out.gif"),
            noFolder = Path.Combine(scratch, "no", "such", "out.safetensors");
        var lines = new List<string[]>();
        void Add(string[] baseline, params string[][] overrides)
        {
            foreach (var change in overrides) lines.Add(With(baseline, change));
        }

        string[] collect = ["collect", "--env", env, "--episodes", "1", "--out", outFile];
        Add(collect, ["--env", "nosuch"], ["--env", ""], ["--episodes", "0"], ["--episodes", "-1"],
            ["--episodes", "2147483647"],
            ["--episodes", "100001"], ["--episodes", "x"], ["--episodes", "1e3"], ["--noise", "-1"], ["--noise", "NaN"],
            ["--noise", "Infinity"],
            ["--noise", "x"], ["--seed", "x"], ["--seed", "99999999999"], ["--out", scratch], ["--out", noFolder],
            ["--bogus", "1"]);

        string[] train = ["train", "--demos", demos, "--epochs", "1", "--hidden", "8", "--out", outFile];
        Add(train, ["--demos", missing], ["--demos", scratch], ["--demos", fp], ["--demos", deployed], ["--out", demos],
            ["--hidden", ""], ["--hidden", "0"], ["--hidden", "16,x"], ["--hidden", "70000"],
            ["--hidden", "65536,65536"],
            ["--hidden", string.Join(",", Enumerable.Repeat("4", 17))], ["--hidden", "-8"], ["--epochs", "0"],
            ["--epochs", "-1"],
            ["--epochs", "10001"], ["--epochs", "2147483647"], ["--batch-size", "0"], ["--batch-size", "2147483647"],
            ["--batch-size", "65537"], ["--learning-rate", "0"], ["--learning-rate", "-1"], ["--learning-rate", "NaN"],
            ["--learning-rate", "Infinity"], ["--learning-rate", "x"], ["--seed", "x"], ["--out", scratch],
            ["--out", noFolder]);

        string[] quantize = ["quantize", "--policy", fp, "--demos", demos, "--method", "ptq", "--out", outFile];
        Add(quantize, ["--out", fp], ["--out", demos], ["--policy", deployed], ["--policy", demos],
            ["--policy", missing],
            ["--policy", scratch], ["--demos", fp], ["--demos", missing], ["--method", "gptq"], ["--bits", "0"],
            ["--bits", "1"],
            ["--bits", "9"], ["--bits", "99"], ["--group-size", "0"], ["--group-size", "-1"], ["--group-size", "65537"],
            ["--act-bits", "1"], ["--act-bits", "9"], ["--act-bits", "-1"], ["--epochs", "0"], ["--epochs", "10001"],
            ["--qbc-weight", "-1"], ["--qbc-weight", "NaN"], ["--granularity", "PerRow"], ["--out", scratch],
            ["--out", noFolder]);

        string[] eval = ["eval", "--policy", deployed, "--env", env, "--episodes", "1"];
        Add(eval, ["--episodes", "0"], ["--episodes", "2147483647"], ["--episodes", "100001"], ["--env", "nosuch"],
            ["--env", "reacher-easy"], ["--policy", demos], ["--policy", missing], ["--policy", scratch],
            ["--device", "nosuch"],
            ["--seed", "x"]);
        lines.Add(["eval", "--policy", deployed]);

        string[] bench = ["bench", "--policy", deployed, "--env", env, "--iterations", "1"];
        Add(bench, ["--iterations", "0"], ["--iterations", "-5"], ["--iterations", "2147483647"],
            ["--iterations", "10000001"],
            ["--policy", missing], ["--policy", demos], ["--env", "nosuch"], ["--env", "reacher-easy"],
            ["--device", "nosuch"]);

        string[] render = ["render", "--policy", deployed, "--env", env, "--out", gif];
        Add(render, ["--out", deployed], ["--strip", deployed], ["--strip", gif], ["--out", scratch],
            ["--out", noFolder],
            ["--delay", "0"], ["--delay", "70000"], ["--frame-every", "0"], ["--strip-frames", "0"],
            ["--strip-frames", "2147483647"],
            ["--policy", missing], ["--policy", demos], ["--env", "nosuch"]);
        lines.Add(["render", "--out", gif]);

        string[] demo = ["demo", "--report", Path.Combine(scratch, "report")];
        Add(demo, ["--env", "nosuch"], ["--bits", "99"], ["--bits", "1"], ["--group-size", "0"], ["--act-bits", "1"],
            ["--demos", "0"], ["--demos", "2147483647"], ["--epochs", "0"], ["--episodes", "0"],
            ["--episodes", "2147483647"],
            ["--fine-tune-epochs", "-1"], ["--fine-tune-epochs", "0"], ["--training-seeds", "0"],
            ["--training-seeds", "101"],
            ["--noise", "-1"], ["--noise", "NaN"], ["--report", demos], ["--report", Path.Combine(demos, "sub")],
            ["--methods", "Ptq,Nosuch"], ["--device", "nosuch"], ["--seed", "x"]);

        lines.Add([]);
        lines.Add(["frobnicate"]);
        lines.Add(["--bogus"]);
        lines.Add(["envs", "--bogus"]);
        if (OperatingSystem.IsLinux())
        {
            lines.Add(With(train, ["--demos", "/dev/zero"]));
            lines.Add(With(quantize, ["--policy", "/dev/zero"]));
            lines.Add(With(eval, ["--policy", "/dev/zero"]));
            lines.Add(With(collect, ["--out", "/proc/qail-test.safetensors"]));
            lines.Add(With(render, ["--out", "/proc/qail-test.gif"]));
            lines.Add(With(demo, ["--report", "/proc/qail-report"]));
        }
        return lines;
    }

    // The baseline with the given option set to a new value (or added when absent).
    private static string[] With(string[] baseline, string[] change)
    {
        var args = baseline.ToList();
        int at = args.IndexOf(change[0]);
        if (at < 0) args.AddRange(change);
        else args[at + 1] = change[1];
        return [.. args];
    }
}

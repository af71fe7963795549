using Qail.Cli.Commands;
using Qail.Envs;

namespace Qail.Cli.Tests.Hostile;

/// <summary>
/// The files the mutation suite mutates: the tiny chain's demonstrations, full-precision checkpoint and deployed W4
/// policy, plus a deployed W8A8 policy; with each one's load result to compare mutants against.
/// </summary>
public sealed class MutationCorpus : IDisposable
{
    /// <summary>Writes the files (the tiny chain, then a PTQ W8A8 export of its checkpoint).</summary>
    public MutationCorpus()
    {
        Chain = new TinyChain();
        W8A8 = Path.Combine(Chain.Folder, "w8a8.safetensors");
        QailRun.Of("quantize", "--policy", Chain.FullPrecision, "--demos", Chain.Demos, "--method", "ptq", "--bits",
            "8", "--act-bits", "8",
            "--granularity", "PerChannel", "--out", W8A8).Succeeded();
        var env = Env.Make(TinyChain.Env, 0);
        Observations = [.. Enumerable.Range(0, 4).Select(env.Reset)];
        Mutants = Directory.CreateDirectory(Path.Combine(Chain.Folder, "mutants")).FullName;
    }

    /// <summary>The tiny chain's files.</summary>
    public TinyChain Chain { get; }

    /// <summary>Deployed W8A8 policy (per-channel PTQ).</summary>
    public string W8A8 { get; }

    /// <summary>States the loaded policies act on.</summary>
    public IReadOnlyList<Observation> Observations { get; }

    /// <summary>Folder for mutant files.</summary>
    public string Mutants { get; }

    /// <summary>The policy file at <paramref name="path"/> as the commands load it.</summary>
    internal static LoadedPolicy LoadPolicy(string path) => PolicyFile.Load(path, "--policy");

    /// <summary>The actions of <paramref name="policy"/> on <see cref="Observations"/>.</summary>
    internal float[][] Actions(LoadedPolicy policy) => [.. Observations.Select(policy.Policy.Act)];

    public void Dispose() => Chain.Dispose();
}

using FsCheck;
using FsCheck.Xunit;
using Qail.Cli.Commands;
using Qail.Envs;
using Qail.Experiments;
using Qail.Exporting;
using Qail.Policies;
using Qail.Quantization;
using Xunit.Abstractions;

namespace Qail.Cli.Tests.Hostile;

/// <summary>FsCheck's source of <see cref="Mutation"/>s.</summary>
public static class MutationArbitraries
{
    /// <summary>Every kind of mutation.</summary>
    public static Arbitrary<Mutation> Mutations() => Mutation.Arbitrary();
}

/// <summary>
/// Mutated demonstrations, checkpoints and deployed W4 / W8A8 policies: each mutant loads with results identical to
/// the original's or is refused with <see cref="InvalidDataException"/> (the loaders' one fault type), and loading a
/// file of n bytes allocates at most <see cref="MemoryBound"/>(n) before it accepts or refuses.
/// </summary>
public sealed class MutationProperties(MutationCorpus corpus, ITestOutputHelper log) : IClassFixture<MutationCorpus>
{
    /// <summary>The memory bound of every loader: max(64 MB, 16 n) bytes allocated for a file of n bytes.</summary>
    public static long MemoryBound(long fileBytes) => Math.Max(64L << 20, 16 * fileBytes);

    [Property(MaxTest = 300, Replay = "(20261205,171)", Arbitrary = [typeof(MutationArbitraries)])]
    public void DemonstrationMutants_LoadIdentically_OrAreRefused(Mutation mutation)
    {
        var original = Demonstrations.Load(corpus.Chain.Demos);
        var (loaded, _) = Load(corpus.Chain.Demos, mutation, Demonstrations.Load);
        if (loaded is null) return;
        // A restamped mutant is a well-formed file again: whatever it holds must be finite; any other must be the
        // original.
        if (mutation.Restamp)
            Assert.All(loaded.Actions.Concat(loaded.ExecutedActions).Concat(loaded.Rewards).Concat(loaded.States ?? []),
                v => Assert.True(float.IsFinite(v)));
        else Assert.Equal(original.ToBytes(), loaded.ToBytes());
    }

    [Property(MaxTest = 300, Replay = "(20261205,173)", Arbitrary = [typeof(MutationArbitraries)])]
    public void CheckpointMutants_LoadIdentically_OrAreRefused(Mutation mutation) =>
        PolicyMutant(corpus.Chain.FullPrecision, mutation);

    [Property(MaxTest = 300, Replay = "(20261205,177)", Arbitrary = [typeof(MutationArbitraries)])]
    public void DeployedW4Mutants_LoadIdentically_OrAreRefused(Mutation mutation) =>
        PolicyMutant(corpus.Chain.Deployed, mutation);

    [Property(MaxTest = 300, Replay = "(20261205,175)", Arbitrary = [typeof(MutationArbitraries)])]
    public void DeployedW8A8Mutants_LoadIdentically_OrAreRefused(Mutation mutation) =>
        PolicyMutant(corpus.W8A8, mutation);

    [Fact]
    public void LargeFiles_LoadWithinSixteenBytesPerFileByte()
    {
        // Past the 64 MB floor the multiple itself is what bounds the loaders: a 24 MB checkpoint, its W4 export
        // and a 40 MB demonstrations file (the chain's episodes repeated).
        string checkpoint = Path.Combine(corpus.Mutants, "large-fp.safetensors");
        var spec = Env.Make(TinyChain.Env, 0).Spec;
        var network = PolicyFactory.Create("mlp", spec, [2048, 3000], 1);
        PolicyFile.SaveFullPrecision(network, "mlp", TinyChain.Env, [2048, 3000], 1, checkpoint);
        AssertLoadBound(checkpoint, MutationCorpus.LoadPolicy);
        string deployed = Path.Combine(corpus.Mutants, "large-w4.safetensors");
        var student = QuantizationStudy.PrepareStudent(network, QuantConfig.Create(4, QuantGranularity.PerGroup, 32),
            Demonstrations.Load(corpus.Chain.Demos), 1);
        Export.ToIntegerPolicy(student, "W4 large").Save(deployed);
        AssertLoadBound(deployed, MutationCorpus.LoadPolicy);
        string demos = Path.Combine(corpus.Mutants, "large-demos.safetensors");
        File.WriteAllBytes(demos, FileEdits.Repeated(File.ReadAllBytes(corpus.Chain.Demos), 40L << 20));
        AssertLoadBound(demos, Demonstrations.Load);
    }

    private void AssertLoadBound<T>(string path, Func<string, T> load)
    {
        long n = new FileInfo(path).Length;
        long before = GC.GetAllocatedBytesForCurrentThread();
        load(path);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        string figure = $"loading {Path.GetFileName(path)} ({n} bytes) allocated {allocated} ("
            + $"{(double)allocated / n:F1} per byte)";
        log.WriteLine(figure);
        Assert.True(allocated <= 16 * n, figure);
    }

    private void PolicyMutant(string source, Mutation mutation)
    {
        var expected = corpus.Actions(MutationCorpus.LoadPolicy(source));
        var (loaded, _) = Load(source, mutation, MutationCorpus.LoadPolicy);
        if (loaded is null) return;
        float[][] actions;
        try
        {
            actions = corpus.Actions(loaded);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            // Refused while acting: the policy checks its observation and its outputs with one fault type.
            return;
        }
        Assert.All(actions.SelectMany(a => a),
            v => Assert.True(float.IsFinite(v), "a loaded mutant acted with a non-finite value"));
        Assert.Equal(expected, actions);
    }

    // Writes the mutant, loads it measuring this thread's allocations, and returns the result or null when refused.
    private (T? Loaded, long Allocated) Load<T>(string source, Mutation mutation, Func<string, T> load) where T : class
    {
        var bytes = mutation.Apply(File.ReadAllBytes(source));
        string path = Path.Combine(corpus.Mutants, Path.GetFileName(source));
        File.WriteAllBytes(path, bytes);
        T? loaded = null;
        long before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            loaded = load(path);
        }
        catch (InvalidDataException)
        {
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated <= MemoryBound(bytes.Length),
            $"{mutation}: loading {bytes.Length} bytes allocated {allocated}");
        return (loaded, allocated);
    }
}

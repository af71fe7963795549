using Qail.Evaluation;

namespace Qail.Tests.Evaluation;

public class ExpertOutcomeCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"qail-expert-cache-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public void KeptEpisodesEqualFreshOnesAndAreReused()
    {
        // libero-goal's episodes carry env metrics, which must come back too.
        const string env = "libero-goal";
        var fresh = ClosedLoop.EvaluateExpert(env, 3, SeedRanges.TestBase);
        Assert.NotEmpty(fresh.Episodes[0].Metrics);

        AssertSame(fresh, ExpertOutcomeCache.Evaluate(env, 3, SeedRanges.TestBase, _directory, out int first));
        Assert.Equal(0, first);
        AssertSame(fresh, ExpertOutcomeCache.Evaluate(env, 3, SeedRanges.TestBase, _directory, out int second));
        Assert.Equal(3, second);

        // A longer row reuses the episodes it shares with the shorter one.
        var longer = ExpertOutcomeCache.Evaluate(env, 4, SeedRanges.TestBase, _directory, out int third);
        Assert.Equal(3, third);
        AssertSame(ClosedLoop.EvaluateExpert(env, 4, SeedRanges.TestBase), longer);
    }

    [Fact]
    public void DamagedOversizedOrForeignFilesAreRunAgain()
    {
        const string env = "pendulum-swingup";
        var fresh = ExpertOutcomeCache.Evaluate(env, 3, SeedRanges.TestBase, _directory, out _);
        var files = Directory.GetFiles(Directory.GetDirectories(_directory).Single()).Order().ToArray();
        Assert.Equal(3, files.Length);
        File.WriteAllText(files[0], File.ReadAllText(files[0])[..40]);
        File.Copy(files[2], files[1], overwrite: true); // another seed's episode
        File.WriteAllText(files[2], new string('x', ExpertOutcomeCache.MaxFileBytes + 1));

        AssertSame(fresh, ExpertOutcomeCache.Evaluate(env, 3, SeedRanges.TestBase, _directory, out int reused));
        Assert.Equal(0, reused);
        ExpertOutcomeCache.Evaluate(env, 3, SeedRanges.TestBase, _directory, out reused);
        Assert.Equal(3, reused);
    }

    private static void AssertSame(EvalResult expected, EvalResult actual)
    {
        Assert.Equal(expected.Env, actual.Env);
        Assert.Equal(expected.Episodes.Count, actual.Episodes.Count);
        foreach (var (e, a) in expected.Episodes.Zip(actual.Episodes))
        {
            Assert.Equal((e.Seed, e.Return, e.Steps, e.Success), (a.Seed, a.Return, a.Steps, a.Success));
            Assert.Equal(e.Metrics.OrderBy(m => m.Key), a.Metrics.OrderBy(m => m.Key));
        }
    }
}

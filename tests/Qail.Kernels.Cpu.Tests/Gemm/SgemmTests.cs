using FsCheck.Xunit;

namespace Qail.Kernels.Cpu.Tests.Gemm;

/// <summary>Sgemm on every instruction-set path against the double-accumulated scalar reference.</summary>
public sealed class SgemmTests
{
    /// <summary>
    /// Small random shapes (0..40, odd sizes, m/n/k = 1, all transposes, alpha/beta, padded ld) on every path.
    /// </summary>
    [Property(MaxTest = 60, Replay = "(1103515245,12345)")]
    public void SmallShapesMatchReferenceOnEveryPath(int seed)
    {
        var problem = GemmCase.Random(seed, maxSize: 40);
        var expected = problem.RunReference();
        foreach (var isa in InstructionSets.Available)
        {
            KernelDispatch.With(isa, () => problem.AssertClose(expected, problem.RunSgemm(), isa.ToString()));
        }
    }

    /// <summary>
    /// Shapes that cross the cache blocks (k past Kc = 256, n past Nc = 512), with few rows (B read in place)
    /// and with more rows and k*n past 2^18 (B packed), on every path.
    /// </summary>
    [Property(MaxTest = 6, Replay = "(42,4243)")]
    public void BlockedShapesMatchReferenceOnEveryPath(int seed)
    {
        var random = new Random(seed);
        var problem = GemmCase.Create(random.Next(), random.Next(2) == 1, random.Next(2) == 1,
            m: random.Next(2) == 0 ? random.Next(5, 25) : random.Next(26, 41), n: random.Next(513, 560),
            k: random.Next(520, 560),
            alpha: 0.75f, beta: random.Next(2) == 0 ? 0f : 0.5f, pad: random.Next(3));
        var expected = problem.RunReference();
        foreach (var isa in InstructionSets.Available)
        {
            KernelDispatch.With(isa, () => problem.AssertClose(expected, problem.RunSgemm(), isa.ToString()));
        }
    }

    /// <summary>Batch-1..4 rows (the direct small-m path) with long k and n on every path.</summary>
    [Property(MaxTest = 12, Replay = "(7,77)")]
    public void FewRowsMatchReferenceOnEveryPath(int seed)
    {
        var random = new Random(seed);
        var problem = GemmCase.Create(random.Next(), random.Next(2) == 1, random.Next(2) == 1,
            m: random.Next(1, 5), n: random.Next(1, 200), k: random.Next(1, 300),
            alpha: 1f, beta: random.Next(2) == 0 ? 0f : 1f, pad: random.Next(3));
        var expected = problem.RunReference();
        foreach (var isa in InstructionSets.Available)
        {
            KernelDispatch.With(isa, () => problem.AssertClose(expected, problem.RunSgemm(), isa.ToString()));
        }
    }

    /// <summary>
    /// Multithreaded results equal single-threaded ones bit for bit (fixed partition, k never split).
    /// </summary>
    [Property(MaxTest = 9, Replay = "(99,997)")]
    public void ThreadedEqualsSingleThreadedBitForBit(int seed)
    {
        var random = new Random(seed);
        // Rows 1..4 take the small-m path; more rows the blocked one, with B read in place (small k*n)
        // or packed (k*n past 2^18). All above their threading thresholds.
        var (m, n, k) = random.Next(3) switch
        {
            0 => (random.Next(1, 5), random.Next(1100, 1300), random.Next(1000, 1100)),
            1 => (random.Next(100, 160), random.Next(90, 200), random.Next(70, 120)),
            _ => (random.Next(100, 140), random.Next(150, 170), random.Next(1800, 1900)),
        };
        var problem = GemmCase.Create(random.Next(), random.Next(2) == 1, random.Next(2) == 1, m, n, k,
            alpha: 1.25f, beta: 0.5f, pad: random.Next(3));
        foreach (var isa in InstructionSets.Available)
        {
            KernelDispatch.With(isa, () =>
            {
                float[] single = [], threaded = [];
                KernelThreads.With(1, () => single = problem.RunSgemm());
                KernelThreads.With(3, () => threaded = problem.RunSgemm());
                Assert.True(single.AsSpan().SequenceEqual(threaded), $"{isa}: threaded result differs ({problem})");
            });
        }
    }

    [Fact]
    public void BetaZeroIgnoresNaNAndAlphaZeroIgnoresAB()
    {
        float[] a = [float.NaN, 1, 2, 3], b = [1, 2, 3, float.NaN], c = [float.NaN, float.NaN, float.NaN, float.NaN];
        Sgemm.Multiply(false, false, 2, 2, 2, 0f, a, 2, b, 2, 0f, c, 2);
        Assert.Equal([0f, 0f, 0f, 0f], c);
        float[] c2 = [1, 2, 3, 4];
        Sgemm.Multiply(false, false, 2, 2, 2, 0f, a, 2, b, 2, 2f, c2, 2);
        Assert.Equal([2f, 4f, 6f, 8f], c2);
    }

    [Fact]
    public void ZeroSizedDimensionsLeaveOrScaleC()
    {
        float[] c = [1, 2, 3, 4];
        Sgemm.Multiply(false, false, 2, 2, 0, 1f, [], 1, [], 2, 3f, c, 2);
        Assert.Equal([3f, 6f, 9f, 12f], c);
        Sgemm.Multiply(false, false, 0, 2, 3, 1f, [], 3, new float[6], 2, 0f, [], 2);
        Sgemm.Multiply(true, true, 2, 0, 3, 1f, new float[6], 2, [], 3, 0f, c, 1);
        Assert.Equal([3f, 6f, 9f, 12f], c);
    }

    [Theory]
    [InlineData("m", -1, 2, 2, 2, 2, 2, 4, 4, 4)]
    [InlineData("n", 2, -1, 2, 2, 2, 2, 4, 4, 4)]
    [InlineData("k", 2, 2, -1, 2, 2, 2, 4, 4, 4)]
    [InlineData("lda", 2, 2, 3, 2, 3, 2, 16, 16, 16)]
    [InlineData("ldb", 2, 2, 3, 3, 1, 2, 16, 16, 16)]
    [InlineData("ldc", 2, 2, 3, 3, 2, 1, 16, 16, 16)]
    [InlineData("a", 2, 2, 3, 3, 2, 2, 5, 16, 16)]
    [InlineData("b", 2, 2, 3, 3, 2, 2, 16, 5, 16)]
    [InlineData("c", 2, 2, 3, 3, 2, 2, 16, 16, 3)]
    public void BadArgumentsThrowNamingTheArgument(string name, int m, int n, int k, int lda, int ldb, int ldc,
        int aLen, int bLen, int cLen)
    {
        var sgemm = Assert.ThrowsAny<ArgumentException>(() =>
            Sgemm.Multiply(false, false, m, n, k, 1f, new float[aLen], lda, new float[bLen], ldb, 0f,
                new float[cLen], ldc));
        Assert.Equal(name, sgemm.ParamName);
        Assert.Contains(name, sgemm.Message);
        var reference = Assert.ThrowsAny<ArgumentException>(() =>
            SgemmReference.Multiply(false, false, m, n, k, 1f, new float[aLen], lda, new float[bLen], ldb, 0f,
                new float[cLen], ldc));
        Assert.Equal(name, reference.ParamName);
        var dgemm = Assert.ThrowsAny<ArgumentException>(() =>
            Dgemm.Multiply(false, false, m, n, k, 1, new double[aLen], lda, new double[bLen], ldb, 0,
                new double[cLen], ldc));
        Assert.Equal(name, dgemm.ParamName);
    }

    [Fact]
    public void TransposedLeadingDimensionsFollowTheStoredShape()
    {
        // transA: A stored k x m, so lda must be >= m (here 2), not k (3).
        Sgemm.Multiply(true, false, 2, 2, 3, 1f, new float[6], 2, new float[6], 2, 0f, new float[4], 2);
        var error = Assert.ThrowsAny<ArgumentException>(() =>
            Sgemm.Multiply(true, true, 2, 2, 3, 1f, new float[6], 2, new float[6], 2, 0f, new float[4], 2));
        Assert.Equal("ldb", error.ParamName);
    }

    [Fact]
    public void KernelThreadsRejectsNonPositiveCounts()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.With(0, () => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => KernelThreads.Count = -1);
    }
}

using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Attention;

/// <summary>
/// The fused attention kernel on every path against its scalar reference (tight float tolerance: the paths sum
/// in another order), the reference against textbook masked attention in double (hidden keys scored -infinity), and
/// no allocation on any path.
/// </summary>
public sealed class MaskedAttentionKernelTests
{
    private sealed record Case(float[] Q, float[] K, float[] V, int Dim, int Heads, float Scale, int[] Keys)
    {
        public int Tokens => K.Length / Dim;

        public static Case Draw(int seed)
        {
            var r = new Random(seed);
            int heads = r.Next(1, 5), dh = r.Next(1, 41), dim = heads * dh, tokens = r.Next(1, 150);
            int queries = r.Next(1, tokens + 1);
            var keys = Enumerable.Range(0, tokens).Where(_ => r.NextDouble() < 0.7).ToArray();
            if (keys.Length == 0) keys = [r.Next(tokens)];
            float range = (float)(0.5 + r.NextDouble() * 2.5);
            return new Case(Floats(r, queries * dim, range), Floats(r, tokens * dim, range),
                Floats(r, tokens * dim, range), dim, heads, (float)(1 / Math.Sqrt(dh)), keys);
        }

        public float[] Run()
        {
            var output = new float[Q.Length];
            MaskedAttentionKernel.Forward(Q, K, V, Dim, Heads, Scale, Keys, output,
                new float[MaskedAttentionKernel.ScratchSize(Keys.Length, Dim, Heads)]);
            return output;
        }

        // softmax over all tokens with the hidden ones scored -infinity, in double.
        public double[] Textbook()
        {
            int dh = Dim / Heads, queries = Q.Length / Dim;
            var visible = new bool[Tokens];
            foreach (int key in Keys) visible[key] = true;
            var output = new double[Q.Length];
            var scores = new double[Tokens];
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < queries; i++)
                {
                    for (int j = 0; j < Tokens; j++)
                    {
                        double dot = 0;
                        for (int d = 0; d < dh; d++) dot += (double)Q[i * Dim + h * dh + d] * K[j * Dim + h * dh + d];
                        scores[j] = visible[j] ? dot * Scale : double.NegativeInfinity;
                    }
                    double max = scores.Max(), sum = 0;
                    for (int j = 0; j < Tokens; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                    for (int d = 0; d < dh; d++)
                    {
                        double total = 0;
                        for (int j = 0; j < Tokens; j++) total += scores[j] / sum * V[j * Dim + h * dh + d];
                        output[i * Dim + h * dh + d] = total;
                    }
                }
            return output;
        }
    }

    private static T OnScalar<T>(Func<T> compute)
    {
        T result = default!;
        KernelDispatch.With(InstructionSet.Scalar, () => result = compute());
        return result;
    }

    [Property(MaxTest = 40, Replay = "(20261205,151)")]
    public void EveryPathMatchesTheReference(int seed)
    {
        var c = Case.Draw(seed);
        var expected = OnScalar(c.Run);
        foreach (var (isa, actual) in OnEveryPath(c.Run))
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                    $"{isa}: output {i} is {actual[i]}, the reference {expected[i]} " +
                    $"({c.Tokens} tokens, dim {c.Dim}, heads {c.Heads})");
    }

    /// <summary>A VLA-sized attention (heads split over 2 threads): the single thread's bits on every path.</summary>
    [Property(MaxTest = 3, Replay = "(20261206,17)")]
    public void ThreadedHeadsGiveTheSameBits(int seed)
    {
        var r = new Random(seed);
        int heads = r.Next(2, 5), dh = r.Next(8, 33), dim = heads * dh, tokens = r.Next(100, 140);
        var keys = Enumerable.Range(0, tokens).Where(_ => r.NextDouble() < 0.8).ToArray();
        var c = new Case(Floats(r, tokens * dim), Floats(r, tokens * dim), Floats(r, tokens * dim), dim, heads,
            (float)(1 / Math.Sqrt(dh)), keys);
        var single = OnEveryPath(() =>
        {
            float[] y = [];
            KernelThreads.With(1, () => y = c.Run());
            return y;
        });
        var saved = KernelThreads.Count;
        try
        {
            KernelThreads.Count = 2;
            var threaded = OnEveryPath(c.Run);
            for (int p = 0; p < single.Length; p++)
                AssertSame(single[p].Result, threaded[p].Result, $"{threaded[p].Isa} heads {heads} dim {dim}");
        }
        finally { KernelThreads.Count = saved; }
    }

    [Property(MaxTest = 40, Replay = "(20261205,153)")]
    public void ReferenceEqualsTextbookMaskedAttention(int seed)
    {
        var c = Case.Draw(seed);
        var expected = c.Textbook();
        var actual = OnScalar(c.Run);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5 * (1 + Math.Abs(expected[i])),
                $"output {i} is {actual[i]}, textbook {expected[i]}");
    }

    [Fact]
    public void BadShapesAreRefusedWithOneLine()
    {
        var q = new float[8];
        var scratch = new float[64];
        Assert.Contains("heads", Assert.Throws<ArgumentException>(() =>
            MaskedAttentionKernel.Forward(q, q, q, 8, 3, 1f, [0], q, scratch)).Message);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() =>
            MaskedAttentionKernel.Forward(q, q, q, 8, 2, 1f, [1], new float[8], scratch)).Message);
        Assert.Contains("no visible key", Assert.Throws<ArgumentException>(() =>
            MaskedAttentionKernel.Forward(q, q, q, 8, 2, 1f, [], new float[8], scratch)).Message);
        Assert.Contains("scratch", Assert.Throws<ArgumentException>(() =>
            MaskedAttentionKernel.Forward(q, q, q, 8, 2, 1f, [0], new float[8], new float[4])).Message);
    }

    [Fact]
    public void AllocatesNothingOnAnyPath()
    {
        var c = Case.Draw(7);
        var output = new float[c.Q.Length];
        var scratch = new float[MaskedAttentionKernel.ScratchSize(c.Keys.Length, c.Dim, c.Heads)];
        foreach (var isa in Available)
            KernelDispatch.With(isa, () =>
            {
                void Step() =>
                    MaskedAttentionKernel.Forward(c.Q, c.K, c.V, c.Dim, c.Heads, c.Scale, c.Keys, output, scratch);
                for (int i = 0; i < 3; i++) Step();
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20; i++) Step();
                Assert.True(GC.GetAllocatedBytesForCurrentThread() == before, $"{isa} allocated");
            });
    }
}

namespace Qail.Kernels.Cpu.Tests.Gemm;

/// <summary>
/// One random GEMM problem (shapes, transposes, padded leading dimensions, values) built from a seed,
/// with the tolerance check against the double-accumulated reference.
/// </summary>
internal sealed class GemmCase
{
    public required bool TransA { get; init; }
    public required bool TransB { get; init; }
    public required int M { get; init; }
    public required int N { get; init; }
    public required int K { get; init; }
    public required float Alpha { get; init; }
    public required float Beta { get; init; }
    public required float[] A { get; init; }
    public required int Lda { get; init; }
    public required float[] B { get; init; }
    public required int Ldb { get; init; }
    public required float[] C { get; init; }
    public required int Ldc { get; init; }

    private static readonly float[] Alphas = [1f, -0.5f, 2.5f, 0f];
    private static readonly float[] Betas = [0f, 1f, -1.5f];

    public override string ToString() =>
        $"transA={TransA} transB={TransB} m={M} n={N} k={K} alpha={Alpha} beta={Beta} lda={Lda} ldb={Ldb} ldc={Ldc}";

    /// <summary>Builds a problem; when beta == 0, C starts as NaN to prove it is not read.</summary>
    public static GemmCase Create(int seed, bool transA, bool transB, int m, int n, int k, float alpha, float beta,
        int pad)
    {
        var random = new Random(seed);
        int aRows = transA ? k : m, aCols = transA ? m : k, bRows = transB ? n : k, bCols = transB ? k : n;
        int lda = Math.Max(1, aCols) + pad, ldb = Math.Max(1, bCols) + pad, ldc = Math.Max(1, n) + pad;
        var c = Fill(random, m, n, ldc);
        if (beta == 0) Array.Fill(c, float.NaN);
        return new GemmCase
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = Fill(random, aRows, aCols, lda), Lda = lda, B = Fill(random, bRows, bCols, ldb), Ldb = ldb, C = c,
                Ldc = ldc,
        };
    }

    /// <summary>
    /// Random small case: sizes up to <paramref name="maxSize"/> (zero included), any transposes, alpha, beta, padding.
    /// </summary>
    public static GemmCase Random(int seed, int maxSize)
    {
        var random = new Random(seed);
        // Bias toward the edge cases: 0, 1 and sizes that are not multiples of any tile.
        int Size() => random.Next(8) switch { 0 => 0, 1 => 1, _ => random.Next(2, maxSize + 1) };
        return Create(random.Next(), random.Next(2) == 1, random.Next(2) == 1, Size(), Size(), Size(),
            Alphas[random.Next(Alphas.Length)], Betas[random.Next(Betas.Length)], random.Next(4));
    }

    // Exactly the minimal length (rows - 1) * ld + cols, so the last row has no padding to hide an overrun.
    private static float[] Fill(Random random, int rows, int cols, int ld)
    {
        var values = new float[rows == 0 || cols == 0 ? 0 : (rows - 1) * ld + cols];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>Runs Sgemm on a copy of C.</summary>
    public float[] RunSgemm()
    {
        var c = (float[])C.Clone();
        Sgemm.Multiply(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>Runs the reference on a copy of C.</summary>
    public float[] RunReference()
    {
        var c = (float[])C.Clone();
        SgemmReference.Multiply(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc);
        return c;
    }

    /// <summary>
    /// Stated tolerance: |got - ref| &lt;= (k + 4) * 2^-23 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|), the
    /// standard bound for a length-k fp32 dot product (2 ulp per step) plus the final scale and add.
    /// Elements of C outside the m x n block (leading-dimension padding) must be untouched.
    /// </summary>
    public void AssertClose(float[] expected, float[] actual, string path)
    {
        const double unit = 1.0 / (1 << 23);
        for (var i = 0; i < C.Length; i++)
        {
            int row = i / Ldc, col = i % Ldc;
            if (row >= M || col >= N)
            {
                Assert.True(C[i].Equals(actual[i]), $"{path}: padding C[{row},{col}] changed ({this})");
                continue;
            }
            double magnitude = 0;
            for (var p = 0; p < K && Alpha != 0; p++)
            {
                var av = TransA ? A[p * Lda + row] : A[row * Lda + p];
                var bv = TransB ? B[col * Ldb + p] : B[p * Ldb + col];
                magnitude += Math.Abs((double)av * bv);
            }
            var scaled = Beta == 0 ? 0 : Math.Abs((double)Beta * C[i]);
            var bound = (K + 4) * unit * (Math.Abs(Alpha) * magnitude + scaled) + 1e-30;
            var error = Math.Abs((double)actual[i] - expected[i]);
            Assert.True(error <= bound && !float.IsNaN(actual[i]),
                $"{path}: C[{row},{col}] = {actual[i]}, reference {expected[i]}, error {error:E3} > bound "
                + $"{bound:E3} ({this})");
        }
    }
}

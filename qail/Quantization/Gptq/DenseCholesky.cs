namespace Qail.Quantization;

/// <summary>
/// Small dense symmetric positive-definite algebra in float64 for GPTQ's Hessians (a few hundred columns).
/// </summary>
public static class DenseCholesky
{
    /// <summary>Lower factor L with A = L L^T; throws when A is not positive definite.</summary>
    public static double[,] Lower(double[,] a)
    {
        ArgumentNullException.ThrowIfNull(a);
        int n = a.GetLength(0);
        if (a.GetLength(1) != n)
            throw new ArgumentException($"Cholesky: the matrix is {n}x{a.GetLength(1)}, not square.", nameof(a));
        var l = new double[n, n];
        for (int j = 0; j < n; j++)
        {
            double diagonal = a[j, j];
            for (int k = 0; k < j; k++) diagonal -= l[j, k] * l[j, k];
            if (!(diagonal > 0))
                throw new ArgumentException(
                    $"Cholesky: the matrix is not positive definite (pivot {j} is {diagonal}); raise the damping.",
                    nameof(a));
            l[j, j] = Math.Sqrt(diagonal);
            for (int i = j + 1; i < n; i++)
            {
                double sum = a[i, j];
                for (int k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                l[i, j] = sum / l[j, j];
            }
        }
        return l;
    }

    /// <summary>A^-1 from its Cholesky factor (torch.cholesky_inverse).</summary>
    public static double[,] Inverse(double[,] a)
    {
        var l = Lower(a);
        int n = l.GetLength(0);
        // L^-1 by forward substitution, then A^-1 = L^-T L^-1.
        var li = new double[n, n];
        for (int c = 0; c < n; c++)
        {
            li[c, c] = 1 / l[c, c];
            for (int i = c + 1; i < n; i++)
            {
                double sum = 0;
                for (int k = c; k < i; k++) sum += l[i, k] * li[k, c];
                li[i, c] = -sum / l[i, i];
            }
        }
        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < n; k++) sum += li[k, i] * li[k, j];
                inverse[i, j] = inverse[j, i] = sum;
            }
        return inverse;
    }

    /// <summary>
    /// Upper U with A^-1 = U^T U: GPTQ's update rows (torch.linalg.cholesky(cholesky_inverse(L), upper=True)).
    /// </summary>
    public static double[,] UpperFactorOfInverse(double[,] a)
    {
        var lower = Lower(Inverse(a));
        int n = lower.GetLength(0);
        var upper = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) upper[i, j] = lower[j, i];
        return upper;
    }
}

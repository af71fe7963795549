namespace Qail.Kernels.Cpu;

/// <summary>
/// A register-blocked fp32 micro-kernel and the cache blocking that feeds it. The driver packs A into
/// panels of <see cref="Mr"/> rows (layout a[p*Mr + i]) and B into panels of <see cref="Nr"/> columns
/// (layout b[p*Nr + j]), both zero-padded, and calls <see cref="Run"/> once per Mr x Nr tile of C.
/// </summary>
internal unsafe interface ISgemmMicroKernel
{
    /// <summary>Rows of C per tile.</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C per tile (a multiple of the vector width).</summary>
    static abstract int Nr { get; }

    /// <summary>Depth of one packed block: an Mr x Kc panel of A stays in L1 while B panels stream.</summary>
    static abstract int Kc { get; }

    /// <summary>Rows of A packed per block (multiple of Mr).</summary>
    static abstract int Mc { get; }

    /// <summary>Columns of B packed per block (multiple of Nr); a Kc x Nc block is sized for L2.</summary>
    static abstract int Nc { get; }

    /// <summary>True for the x64 AVX paths, whose packing may use AVX register transposes.</summary>
    static abstract bool AvxPacking { get; }

    /// <summary>
    /// acc = sum over p &lt; kc of a[p*Mr+i] * b[p*bStride+j] (bStride = Nr for a packed panel, ldb when B is
    /// read in place); then c[i*ldc+j] = alpha*acc when beta == 0
    /// (C not read), else fma(alpha, acc, beta*c). Every path uses that store so edge tiles match.
    /// </summary>
    static abstract void Run(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta);
}

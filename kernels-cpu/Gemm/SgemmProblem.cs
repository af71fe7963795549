namespace Qail.Kernels.Cpu;

/// <summary>One validated GEMM call with its operands pinned: what every worker of a split call reads.</summary>
internal readonly record struct SgemmProblem(
    bool TransA, bool TransB, int M, int N, int K, float Alpha,
    nint A, nint Lda, nint B, nint Ldb, float Beta, nint C, nint Ldc);

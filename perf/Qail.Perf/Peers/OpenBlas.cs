using System.Runtime.InteropServices;

namespace Qail.Perf.Peers;

/// <summary>
/// Debian's OpenBLAS (libopenblas0-pthread), the fp32 GEMM peer, through P/Invoke (perf only).
/// Run benchmarks with <c>env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE</c> so it picks its own kernel.
/// </summary>
internal static unsafe partial class OpenBlas
{
    private const string Library = "libopenblas.so.0";
    private const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [LibraryImport(Library, EntryPoint = "cblas_sgemm")]
    private static partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library, EntryPoint = "cblas_sgemv")]
    private static partial void CblasSgemv(int order, int trans, int m, int n, float alpha, float* a, int lda,
        float* x, int incX, float beta, float* y, int incY);

    [LibraryImport(Library, EntryPoint = "openblas_set_num_threads")]
    private static partial void SetNumThreads(int threads);

    [LibraryImport(Library, EntryPoint = "openblas_get_config")]
    private static partial nint GetConfig();

    [LibraryImport(Library, EntryPoint = "openblas_get_corename")]
    private static partial nint GetCoreName();

    /// <summary>Row-major cblas_sgemm with the same argument order as Sgemm.Multiply.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            CblasSgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, pa, lda, pb, ldb,
                beta, pc, ldc);
    }

    /// <summary>Row-major cblas_sgemv, y = A x with A [rows, columns] (a Linear layer's W x).</summary>
    public static void Sgemv(int rows, int columns, float[] a, float[] x, float[] y)
    {
        fixed (float* pa = a, px = x, py = y)
            CblasSgemv(RowMajor, NoTrans, rows, columns, 1f, pa, columns, px, 1, 0f, py, 1);
    }

    /// <summary>Sets OpenBLAS's own thread count (process-wide).</summary>
    public static void Threads(int count) => SetNumThreads(count);

    /// <summary>Whether the library loads (checked before the first call, which would throw).</summary>
    public static bool IsInstalled => NativeLibrary.TryLoad(Library, out _);

    /// <summary>Build configuration and the core kernel OpenBLAS chose, for the report header.</summary>
    public static string Describe() =>
        $"{Marshal.PtrToStringAnsi(GetConfig())}; core {Marshal.PtrToStringAnsi(GetCoreName())}";
}

namespace Qail.Kernels.Cpu;

/// <summary>
/// Plain scalar fp32 micro-kernel, 4 x 4: 16 accumulators in locals, separate multiply and add
/// (no FMA, which is slow in software where the hardware lacks it).
/// </summary>
internal unsafe struct SgemmKernelScalar : ISgemmMicroKernel
{
    public static int Mr => 4;
    public static int Nr => 4;
    public static int Kc => 256;
    public static int Mc => 480;
    public static int Nc => 512;
    public static bool AvxPacking => false;

    public static void Run(int kc, float* a, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        var acc = stackalloc float[16];
        for (var t = 0; t < 16; t++) acc[t] = 0;
        for (var p = 0; p < kc; p++)
        {
            for (var i = 0; i < 4; i++)
            {
                var av = a[i];
                for (var j = 0; j < 4; j++) acc[i * 4 + j] += av * b[j];
            }
            a += 4;
            b += bStride;
        }
        for (var i = 0; i < 4; i++)
        {
            for (var j = 0; j < 4; j++) c[i * ldc + j] = SgemmTile.Merge(acc[i * 4 + j], c[i * ldc + j], alpha, beta);
        }
    }
}

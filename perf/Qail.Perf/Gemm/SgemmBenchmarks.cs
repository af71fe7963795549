using BenchmarkDotNet.Attributes;
using Qail.Kernels.Cpu;
using Qail.Perf.Peers;

namespace Qail.Perf.Gemm;

/// <summary>BenchmarkDotNet suite: square fp32 GEMM, ours against OpenBLAS (the baseline).</summary>
public class SgemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    /// <summary>m = n = k.</summary>
    [Params(64, 256, 1024)]
    public int Size { get; set; }

    /// <summary>Threads for both libraries.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(12345);
        _a = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble()).ToArray();
        _b = Enumerable.Range(0, Size * Size).Select(_ => (float)random.NextDouble()).ToArray();
        _c = new float[Size * Size];
        KernelThreads.Count = Threads;
        OpenBlas.Threads(Threads);
    }

    [Benchmark(Baseline = true)]
    public void OpenBlasSgemm() => OpenBlas.Sgemm(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);

    [Benchmark]
    public void QailSgemm() => Sgemm.Multiply(false, false, Size, Size, Size, 1f, _a, Size, _b, Size, 0f, _c, Size);
}

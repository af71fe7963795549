using BenchmarkDotNet.Attributes;
using Qail.Kernels.Cpu;

namespace Qail.Perf.Quantized;

/// <summary>
/// BenchmarkDotNet suite: a 4096 x 4096 int4 (group 32) Linear layer against fp32 Sgemm (the baseline), one thread.
/// </summary>
public class Int4LinearBenchmarks
{
    private const int N = 4096, K = 4096;
    private float[] _x = [], _y = [], _wf = [], _yf = [];
    private PackedInt4Weights? _w;

    /// <summary>Activation rows (1 and 8: GEMV; 64: GEMM).</summary>
    [Params(1, 8, 64)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(7);
        KernelThreads.Count = 1;
        _wf = Enumerable.Range(0, N * K).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        _w = new PackedInt4Weights(GroupwiseInt4Weights.Quantize(_wf, N, K, 32, symmetric: true));
        _x = Enumerable.Range(0, Batch * K).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        _y = new float[Batch * N];
        _yf = new float[Batch * N];
    }

    [Benchmark(Baseline = true)]
    public void Fp32() => Sgemm.Multiply(false, true, Batch, N, K, 1f, _x, K, _wf, K, 0f, _yf, N);

    [Benchmark]
    public void Int4W4A8() => Int4Matmul.Multiply(_w!, _x, Batch, _y, default, Int4ActivationMode.Int8);

    [Benchmark]
    public void Int4W4A4() => Int4Matmul.Multiply(_w!, _x, Batch, _y, default, Int4ActivationMode.Int4);

    [Benchmark]
    public void Int4Dequantized() => Int4Matmul.Multiply(_w!, _x, Batch, _y, default, Int4ActivationMode.Float);
}

using BenchmarkDotNet.Attributes;
using Qail.Kernels.Cpu;

namespace Qail.Perf.Quantized;

/// <summary>
/// BenchmarkDotNet suite: square uint8 x int8 GEMM against our fp32 Sgemm (the baseline), one thread.
/// </summary>
public class Int8GemmBenchmarks
{
    private byte[] _a = [];
    private PackedInt8Weights? _w;
    private int[] _c = [];
    private float[] _af = [], _wf = [], _yf = [];

    /// <summary>m = n = k.</summary>
    [Params(256, 1024)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var r = new Random(7);
        KernelThreads.Count = 1;
        _a = Enumerable.Range(0, Size * Size).Select(_ => (byte)r.Next(256)).ToArray();
        var w = Enumerable.Range(0, Size * Size).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
        _w = PackedInt8Weights.Pack(w, Size, Size);
        _c = new int[Size * Size];
        _af = _a.Select(v => v / 255f).ToArray();
        _wf = w.Select(v => v / 127f).ToArray();
        _yf = new float[Size * Size];
    }

    [Benchmark(Baseline = true)]
    public void Fp32Sgemm() => Sgemm.Multiply(false, true, Size, Size, Size, 1f, _af, Size, _wf, Size, 0f, _yf, Size);

    [Benchmark]
    public void Int8() => Int8Gemm.Multiply(_a, Size, 128, _w!, _c);
}

using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Allocation;

/// <summary>
/// The batch-1 inference paths a deployed policy runs once per step (on one thread, through
/// <see cref="KernelThreads.With"/>) allocate nothing after warm-up, on every forced instruction set.
/// </summary>
public sealed class Batch1AllocationTests
{
    private const int Calls = 100;

    // Bytes this thread allocated over 100 calls inside KernelThreads.With(threads, ...) after warm-up. One-time
    // runtime work can land in a round (tier-1 recompilation, a wait handle's lazily created lock), so up to five
    // rounds run and the first clean one counts; a per-call allocation shows in every round.
    private static long AllocatedBy(Action step, int threads)
    {
        Action once = () => KernelThreads.With(threads, step);
        for (var i = 0; i < 50; i++) once();
        long bytes = 0;
        for (var round = 0; round < 5; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < Calls; i++) once();
            bytes = GC.GetAllocatedBytesForCurrentThread() - before;
            if (bytes == 0) break;
        }
        return bytes;
    }

    private static void AssertNoAllocation(string what, Action step, int threads = 1)
    {
        foreach (var isa in Available)
        {
            long bytes = -1;
            KernelDispatch.With(isa, () => bytes = AllocatedBy(step, threads));
            Assert.True(bytes == 0, $"{what} on {isa}: {bytes} bytes allocated over {Calls} calls.");
        }
    }

    [Fact]
    public void SgemmBatchOneAllocatesNothing()
    {
        var r = new Random(1);
        var (n, k) = (97, 131);
        float[] x = Floats(r, k), w = Floats(r, n * k), y = new float[n];
        AssertNoAllocation("Sgemm x W^T m=1", () => Sgemm.Multiply(false, true, 1, n, k, 1f, x, k, w, k, 0f, y, n));
        AssertNoAllocation("Sgemm x W m=1", () => Sgemm.Multiply(false, false, 1, n, k, 1f, x, k, w, n, 0f, y, n));
        AssertNoAllocation("Sgemm x^T W^T m=1", () => Sgemm.Multiply(true, true, 1, n, k, 1f, x, 1, w, k, 0f, y, n));
        var x8 = Floats(r, 8 * k);
        var y8 = new float[8 * n];
        AssertNoAllocation("Sgemm x W^T m=8", () => Sgemm.Multiply(false, true, 8, n, k, 1f, x8, k, w, k, 0f, y8, n));
    }

    [Fact]
    public void Int8GemmBatchOneAllocatesNothing()
    {
        var r = new Random(2);
        var (n, k) = (97, 131);
        var packed = PackedInt8Weights.Pack(Weights(r, n * k), n, k, [3]);
        var a = SBytes(r, k);
        var au = Bytes(r, k);
        var c = new int[n];
        var ws = Floats(r, n, 0.01f);
        var bias = Floats(r, n);
        var y = new float[n];
        var q = new sbyte[n];
        AssertNoAllocation("Int8Gemm int8 m=1", () => Int8Gemm.Multiply(a, 1, 0, packed, c));
        AssertNoAllocation("Int8Gemm uint8 m=1", () => Int8Gemm.Multiply(au, 1, 128, packed, c));
        AssertNoAllocation("Int8Gemm to float m=1",
            () => Int8Gemm.MultiplyToFloat(a, 1, 0, 0.02f, packed, ws, bias, true, y));
        AssertNoAllocation("Int8Gemm uint8 to float m=1",
            () => Int8Gemm.MultiplyToFloat(au, 1, 128, 0.02f, packed, ws, bias, false, y));
        AssertNoAllocation("Int8Gemm requantize m=1",
            () => Int8Gemm.MultiplyRequantize(a, 1, 0, 0.02f, packed, ws, bias, true, 0.05f, 0, q));
        var a8 = SBytes(r, 8 * k);
        var c8 = new int[8 * n];
        AssertNoAllocation("Int8Gemm int8 m=8", () => Int8Gemm.Multiply(a8, 8, 0, packed, c8));
    }

    [Theory]
    [InlineData(Int4ActivationMode.Int8)]
    [InlineData(Int4ActivationMode.Int4)]
    [InlineData(Int4ActivationMode.Float)]
    public void Int4MatmulBatchOneAllocatesNothing(Int4ActivationMode mode)
    {
        var r = new Random(3);
        var (n, k) = (97, 128);
        var packed = new PackedInt4Weights(GroupwiseInt4Weights.Quantize(Floats(r, n * k), n, k, 32, symmetric: false));
        var x = Floats(r, k);
        var bias = Floats(r, n);
        var y = new float[n];
        AssertNoAllocation($"Int4Matmul {mode} m=1", () => Int4Matmul.Multiply(packed, x, 1, y, bias, mode));
    }

    /// <summary>
    /// Calls split over the worker pool park their struct job in a static slot: no closure, no event per call.
    /// </summary>
    [Fact]
    public void ThreadedCallsAllocateNothingOnTheCaller()
    {
        var r = new Random(5);
        var (m, n, k) = (6, 64, 96);
        var packed = PackedInt8Weights.Pack(Weights(r, n * k), n, k);
        var a = SBytes(r, m * k);
        var c = new int[m * n];
        AssertNoAllocation("Int8Gemm m=6 on 2 threads", () => Int8Gemm.Multiply(a, m, 0, packed, c), threads: 2);
        float[] x = Floats(r, 64 * 128), w = Floats(r, 128 * 160), y = new float[64 * 160];
        AssertNoAllocation("Sgemm 64x160x128 on 2 threads",
            () => Sgemm.Multiply(false, false, 64, 160, 128, 1f, x, 128, w, 160, 0f, y, 160), threads: 2);
    }

    [Fact]
    public void QuantizeAndThreadScopeAllocateNothing()
    {
        var r = new Random(4);
        var x = Floats(r, 131);
        var s = new sbyte[x.Length];
        var u = new byte[x.Length];
        AssertNoAllocation("QuantizeLinear int8", () => QuantizeLinear.PerTensor(x, 0.01f, 0, s, -127, 127));
        AssertNoAllocation("QuantizeLinear uint8", () => QuantizeLinear.PerTensor(x, 0.01f, 128, u));
        var calls = 0;
        Action count = () => calls++;
        AssertNoAllocation("KernelThreads.With(1, action)", count);
        Assert.True(calls > 0);
    }
}

using Qail.Engine;
using Qail.Kernels.Cuda;
using Qail.DeviceCheck;

namespace Qail.Kernels.Cuda.Tests;

/// <summary>
/// The backend's availability contract, and (on a GPU) host/device round trips and the kernel property checks.
/// </summary>
public sealed class CudaBackendTests
{
    [SkippableFact]
    public void WithoutADriverTheBackendSaysWhyAndTheEngineStaysOnCpu()
    {
        var backend = CudaBackend.Register();
        Skip.If(backend.IsAvailable, $"a CUDA device is present: {backend.Status}");
        Assert.False(backend.IsAvailable);
        Assert.Matches("no CUDA (driver|device)|CUDA driver unusable", backend.Status);
        var e = Assert.Throws<InvalidOperationException>(() =>
            Tensor.From(new float[] { 1, 2, 3 }).To(new Device(DeviceKind.Cuda)));
        Assert.Contains(backend.Status, e.Message);
        Assert.Equal(6.0, Tensor.From(new float[] { 1, 2, 3 }).Sum().Item());
    }

    [SkippableFact]
    public void TensorsRoundTripThroughTheGpu()
    {
        var backend = CudaBackend.Register();
        Skip.IfNot(backend.IsAvailable, backend.Status);
        var data = Enumerable.Range(1, 1000).Select(i => i * 0.37f - 50f).ToArray();
        var back = Tensor.From<float>(data, [10, 100]).To(new Device(DeviceKind.Cuda)).To(Device.Cpu);
        Assert.Equal(data, back.ToArray<float>());
    }

    [SkippableFact]
    public void EveryCudaKernelEqualsTheCpuReference()
    {
        var backend = CudaBackend.Instance;
        Skip.IfNot(backend.IsAvailable, backend.Status);
        Skip.If(Nvrtc.TryGet(out var why) is null, why);
        var results = KernelChecks.RunAll(backend.Device(0), seed: 1234, log: null);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Detail}"));
    }

    [Fact]
    public void CachingAllocatorRoundsToReusableBlocks()
    {
        Assert.Equal(512UL, CachingAllocator.RoundUp(1));
        Assert.Equal(1024UL, CachingAllocator.RoundUp(513));
        Assert.Equal(2UL << 20, CachingAllocator.RoundUp((1 << 20) + 1));
    }
}

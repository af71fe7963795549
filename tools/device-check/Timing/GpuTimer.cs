using Qail.Kernels.Cuda;

namespace Qail.DeviceCheck;

/// <summary>Times one piece of GPU work many times with a pair of CUDA events per run and reports the median.</summary>
public sealed class GpuTimer(CudaDevice device) : IDisposable
{
    private readonly IntPtr _start = Create(device), _end = Create(device);

    private static IntPtr Create(CudaDevice device)
    {
        device.MakeCurrent();
        return device.Driver.CreateEvent();
    }

    /// <summary>
    /// Median milliseconds of <paramref name="work"/> over <paramref name="runs"/> runs after <paramref name="warmup"/>
    /// untimed ones.
    /// </summary>
    public double Median(Action work, int warmup, int runs)
    {
        for (var i = 0; i < warmup; i++) work();
        device.Synchronize();
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            device.MakeCurrent();
            device.Driver.RecordEvent(_start, device.Stream);
            work();
            device.MakeCurrent();
            device.Driver.RecordEvent(_end, device.Stream);
            device.Driver.SynchronizeEvent(_end);
            times[i] = device.Driver.ElapsedMilliseconds(_start, _end);
        }
        Array.Sort(times);
        return runs % 2 == 1 ? times[runs / 2] : (times[runs / 2 - 1] + times[runs / 2]) / 2;
    }

    /// <summary>Destroys the events.</summary>
    public void Dispose()
    {
        device.MakeCurrent();
        device.Driver.DestroyEvent(_start);
        device.Driver.DestroyEvent(_end);
    }
}

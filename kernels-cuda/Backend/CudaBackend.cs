using Qail.Engine;

namespace Qail.Kernels.Cuda;

/// <summary>
/// The engine's CUDA backend: tensors on the GPU through <see cref="CudaDevice"/> (a context per device, caching
/// allocator). Without libcuda.so.1 or without a device it reports itself unavailable with the reason, and the
/// engine keeps running on the CPU.
/// </summary>
public sealed class CudaBackend : IBackend
{
    private static readonly Lazy<CudaBackend> Shared = new(() => new CudaBackend());
    private readonly CudaDevice?[] _devices = [];
    private readonly Lock _gate = new();

    private CudaBackend()
    {
        var driver = CudaDriver.TryGet(out var reason);
        if (driver is null)
        {
            Status = reason;
            return;
        }
        Driver = driver;
        int count;
        try
        {
            count = driver.DeviceCount();
        }
        catch (CudaException e)
        {
            Status = $"no CUDA device: {e.Message}";
            return;
        }
        if (count == 0)
        {
            Status = $"no CUDA device ({reason} found none)";
            return;
        }
        _devices = new CudaDevice?[count];
        _ = Nvrtc.TryGet(out var nvrtcReason);
        Status = $"{count} CUDA device(s): {driver.DeviceName(driver.Device(0))}; {reason}; {nvrtcReason}";
        IsAvailable = true;
    }

    /// <summary>The process-wide backend.</summary>
    public static CudaBackend Instance => Shared.Value;

    /// <summary>
    /// Registers <see cref="Instance"/> with the engine (harmless when unavailable: the engine then reports why).
    /// </summary>
    public static CudaBackend Register()
    {
        Backends.Register(Instance);
        return Instance;
    }

    /// <summary>The driver, when one loaded.</summary>
    public CudaDriver? Driver { get; }

    /// <inheritdoc />
    public DeviceKind Kind => DeviceKind.Cuda;

    /// <inheritdoc />
    public bool IsAvailable { get; }

    /// <inheritdoc />
    public string Status { get; }

    /// <summary>Number of CUDA devices (0 when unavailable).</summary>
    public int DeviceCount => _devices.Length;

    /// <summary>The opened device <paramref name="index"/> (context created at first use).</summary>
    public CudaDevice Device(int index)
    {
        if (!IsAvailable) throw new InvalidOperationException($"The CUDA backend is unavailable: {Status}");
        if (index < 0 || index >= _devices.Length)
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"CudaBackend: device index must be in 0..{_devices.Length - 1}.");
        lock (_gate) return _devices[index] ??= new CudaDevice(Driver!, Nvrtc.TryGet(out _), index);
    }

    /// <inheritdoc />
    public Storage Allocate(DType dtype, long length, int index) => Device(index).Allocate(dtype, length);

    /// <inheritdoc />
    public void Upload(CpuStorage source, Storage destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        var target = Check(destination, source.DType, source.Length, nameof(Upload));
        target.Owner.CopyToDevice<byte>(HostBytes(source), target);
    }

    /// <inheritdoc />
    public void Download(Storage source, CpuStorage destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var from = Check(source, destination.DType, destination.Length, nameof(Download));
        from.Owner.CopyToHost(from, HostBytes(destination));
    }

    private static CudaStorage Check(Storage storage, DType dtype, long length, string op)
    {
        if (storage is not CudaStorage cuda)
            throw new ArgumentException(
                $"CudaBackend.{op}: storage on {storage?.Device.ToString() ?? "null"} is not CUDA storage.",
                nameof(storage));
        if (cuda.DType != dtype || cuda.Length != length)
            throw new ArgumentException($"CudaBackend.{op}: device {cuda.DType.Name()}[{cuda.Length}] does not match "
                + $"host {dtype.Name()}[{length}].", nameof(storage));
        return cuda;
    }

    private static Span<byte> HostBytes(CpuStorage storage) => storage.DType switch
    {
        DType.Float32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(storage.AsSpan<float>()),
        DType.Float64 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(storage.AsSpan<double>()),
        DType.Int32 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(storage.AsSpan<int>()),
        DType.Int8 => System.Runtime.InteropServices.MemoryMarshal.AsBytes(storage.AsSpan<sbyte>()),
        DType.UInt8 or DType.Int4Packed => storage.AsSpan<byte>(),
        _ => throw new ArgumentOutOfRangeException(nameof(storage), storage.DType, "CudaBackend: unknown dtype."),
    };
}

namespace Qail.Kernels.Cuda;

/// <summary>A <see cref="CudaDevice"/> as an <see cref="IComputeDevice"/>: kernels from Kernels/policy.cu on the device's stream.</summary>
public sealed unsafe class CudaComputeDevice(CudaDevice device) : IComputeDevice
{
    /// <summary>The CUDA device underneath (for event timing).</summary>
    public CudaDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <inheritdoc />
    public string Name => $"CUDA: {Device.Name} (sm_{Device.ComputeCapability})";

    /// <inheritdoc />
    public ComputeBuffer Allocate(long bytes)
    {
        if (bytes < 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "CudaComputeDevice.Allocate: bytes must be >= 0.");
        var size = (ulong)Math.Max(1, bytes);
        Device.MakeCurrent();
        var pointer = Device.Driver.Allocate(size);
        Device.Driver.Fill(pointer, 0, size);
        return new ComputeBuffer(this, pointer, (long)size);
    }

    /// <inheritdoc />
    public void Write<T>(ComputeBuffer destination, long byteOffset, ReadOnlySpan<T> source) where T : unmanaged
    {
        Own(destination).CheckRange(byteOffset, source.Length, sizeof(T), "CudaComputeDevice.Write");
        if (source.IsEmpty) return;
        Device.MakeCurrent();
        // The synchronous copy runs on the legacy stream, which our (blocking) stream orders against.
        fixed (T* p = source) Device.Driver.CopyToDevice(destination.Handle + (ulong)byteOffset, p, (ulong)source.Length * (ulong)sizeof(T));
    }

    /// <inheritdoc />
    public void Read<T>(ComputeBuffer source, long byteOffset, Span<T> destination) where T : unmanaged
    {
        Own(source).CheckRange(byteOffset, destination.Length, sizeof(T), "CudaComputeDevice.Read");
        Device.Synchronize();
        if (destination.IsEmpty) return;
        fixed (T* p = destination) Device.Driver.CopyToHost(p, source.Handle + (ulong)byteOffset, (ulong)destination.Length * (ulong)sizeof(T));
    }

    /// <inheritdoc />
    public void Launch(string kernel, long workItems, params ReadOnlySpan<ComputeArgument> arguments)
    {
        const long group = IComputeDevice.GroupSize;
        if (workItems < 1 || (workItems + group - 1) / group > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(workItems), workItems, $"CudaComputeDevice.Launch({kernel}): work-items must be in 1..2^31 groups.");
        Span<KernelArgument> slots = stackalloc KernelArgument[arguments.Length];
        for (int i = 0; i < arguments.Length; i++) slots[i] = new KernelArgument(arguments[i].Bits);
        Device.Launch(KernelSource.PolicyFile, kernel, ((uint)((workItems + group - 1) / group), 1, 1), ((uint)group, 1, 1), slots);
    }

    /// <inheritdoc />
    public bool CanRecord => Device.Driver.SupportsGraphs;

    /// <inheritdoc />
    public IRecordedLaunches? Record(Action enqueue)
    {
        ArgumentNullException.ThrowIfNull(enqueue);
        if (!CanRecord) return null;
        var driver = Device.Driver;
        Device.Synchronize();
        driver.BeginCapture(Device.Stream);
        IntPtr graph;
        try
        {
            enqueue();
        }
        finally
        {
            // Ends the capture even when enqueue threw, so the stream runs work again.
            Device.MakeCurrent();
            graph = driver.EndCapture(Device.Stream);
        }
        try
        {
            return new CudaGraph(Device, graph, driver.InstantiateGraph(graph));
        }
        catch
        {
            driver.DestroyGraph(graph);
            throw;
        }
    }

    /// <inheritdoc />
    public void Release(ComputeBuffer buffer)
    {
        Own(buffer);
        Device.MakeCurrent();
        Device.Driver.Free(buffer.Handle);
    }

    private ComputeBuffer Own(ComputeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!ReferenceEquals(buffer.Owner, this)) throw new ArgumentException("CudaComputeDevice: the buffer belongs to another device.", nameof(buffer));
        return buffer;
    }

    private sealed class CudaGraph(CudaDevice device, IntPtr graph, IntPtr exec) : IRecordedLaunches
    {
        private bool _disposed;

        public void Replay()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            device.MakeCurrent();
            device.Driver.LaunchGraph(exec, device.Stream);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            device.MakeCurrent();
            device.Driver.DestroyGraphExec(exec);
            device.Driver.DestroyGraph(graph);
        }
    }
}

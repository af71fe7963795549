namespace Qail.Kernels.Cuda;

/// <summary>
/// A <see cref="CudaDevice"/> as an <see cref="IComputeDevice"/>: kernels from Kernels/policy.cu and every copy on one
/// non-blocking stream of its own, so nothing orders against the legacy default stream and a capture (CUDA graph)
/// records exactly this device's launches. A gate serialises the calls of concurrent users: in-order work from
/// several policy instances interleaves safely, and none slips into a capture in progress.
/// </summary>
public sealed unsafe class CudaComputeDevice : IComputeDevice, IDisposable
{
    private const uint NonBlocking = 1;
    private readonly object _gate = new();
    private readonly IntPtr _stream;

    /// <summary>Wraps <paramref name="device"/> and creates the stream.</summary>
    public CudaComputeDevice(CudaDevice device)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
        device.MakeCurrent();
        _stream = device.Driver.CreateStream(NonBlocking);
    }

    /// <summary>The CUDA device underneath.</summary>
    public CudaDevice Device { get; }

    /// <inheritdoc />
    public string Name => $"CUDA: {Device.Name} (sm_{Device.ComputeCapability})";

    /// <inheritdoc />
    public bool CanRecord => Device.Driver.SupportsGraphs;

    private CudaDriver Driver => Device.Driver;

    /// <inheritdoc />
    public ComputeBuffer Allocate(long bytes)
    {
        if (bytes < 0)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes,
                "CudaComputeDevice.Allocate: bytes must be >= 0.");
        var size = (ulong)Math.Max(1, bytes);
        lock (_gate)
        {
            Device.MakeCurrent();
            var pointer = Driver.Allocate(size);
            Driver.Fill(pointer, 0, size);
            // cuMemsetD8 runs on the legacy stream, which our non-blocking stream does not wait for.
            Driver.Synchronize();
            return new ComputeBuffer(this, pointer, (long)size);
        }
    }

    /// <inheritdoc />
    public void Write<T>(ComputeBuffer destination, long byteOffset, ReadOnlySpan<T> source) where T : unmanaged
    {
        Own(destination).CheckRange(byteOffset, source.Length, sizeof(T), "CudaComputeDevice.Write");
        if (source.IsEmpty) return;
        lock (_gate)
        {
            Device.MakeCurrent();
            // From pageable memory the call returns once the data is staged, so the span may change afterwards.
            fixed (T* p = source)
                Driver.CopyToDeviceAsync(destination.Handle + (ulong)byteOffset, p,
                    (ulong)source.Length * (ulong)sizeof(T), _stream);
        }
    }

    /// <inheritdoc />
    public void Read<T>(ComputeBuffer source, long byteOffset, Span<T> destination) where T : unmanaged
    {
        Own(source).CheckRange(byteOffset, destination.Length, sizeof(T), "CudaComputeDevice.Read");
        lock (_gate)
        {
            Device.MakeCurrent();
            if (!destination.IsEmpty)
                fixed (T* p = destination)
                    Driver.CopyToHostAsync(p, source.Handle + (ulong)byteOffset,
                        (ulong)destination.Length * (ulong)sizeof(T), _stream);
            Driver.SynchronizeStream(_stream);
        }
    }

    /// <inheritdoc />
    public void Launch(string kernel, long workItems, params ReadOnlySpan<ComputeArgument> arguments)
    {
        const long group = IComputeDevice.GroupSize;
        if (workItems < 1 || (workItems + group - 1) / group > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(workItems), workItems,
                $"CudaComputeDevice.Launch({kernel}): work-items must be in 1..2^31 groups.");
        Span<KernelArgument> slots = stackalloc KernelArgument[arguments.Length];
        for (int i = 0; i < arguments.Length; i++) slots[i] = new KernelArgument(arguments[i].Bits);
        lock (_gate)
            Device.LaunchOn(_stream, KernelSource.PolicyFile, kernel, ((uint)((workItems + group - 1) / group), 1, 1),
                ((uint)group, 1, 1), slots);
    }

    /// <inheritdoc />
    public IRecordedLaunches? Record(Action enqueue)
    {
        ArgumentNullException.ThrowIfNull(enqueue);
        if (!CanRecord) return null;
        lock (_gate)
        {
            Device.MakeCurrent();
            Driver.SynchronizeStream(_stream);
            Driver.BeginCapture(_stream);
            IntPtr graph;
            try
            {
                enqueue();
            }
            finally
            {
                // Ends the capture even when enqueue threw, so the stream runs work again.
                Device.MakeCurrent();
                graph = Driver.EndCapture(_stream);
            }
            try
            {
                return new CudaGraph(this, graph, Driver.InstantiateGraph(graph));
            }
            catch
            {
                Driver.DestroyGraph(graph);
                throw;
            }
        }
    }

    /// <inheritdoc />
    public void Release(ComputeBuffer buffer)
    {
        Own(buffer);
        lock (_gate)
        {
            Device.MakeCurrent();
            Driver.Free(buffer.Handle);
        }
    }

    /// <summary>Waits for the stream's work and destroys it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            Device.MakeCurrent();
            Driver.SynchronizeStream(_stream);
            Driver.DestroyStream(_stream);
        }
    }

    private ComputeBuffer Own(ComputeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!ReferenceEquals(buffer.Owner, this))
            throw new ArgumentException("CudaComputeDevice: the buffer belongs to another device.", nameof(buffer));
        return buffer;
    }

    private sealed class CudaGraph(CudaComputeDevice owner, IntPtr graph, IntPtr exec) : IRecordedLaunches
    {
        private bool _disposed;

        public void Replay()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            lock (owner._gate)
            {
                owner.Device.MakeCurrent();
                owner.Driver.LaunchGraph(exec, owner._stream);
            }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            lock (owner._gate)
            {
                owner.Device.MakeCurrent();
                owner.Driver.SynchronizeStream(owner._stream);
                owner.Driver.DestroyGraphExec(exec);
                owner.Driver.DestroyGraph(graph);
            }
        }
    }
}

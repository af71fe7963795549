using System.Collections.Concurrent;
using Qail.Engine;

namespace Qail.Kernels.Cuda;

/// <summary>
/// One GPU: its context, a stream, the PTX modules compiled for its compute capability (loaded at first use), a
/// caching allocator, and typed host/device copies. Every public call makes the context current on the calling thread.
/// </summary>
public sealed unsafe class CudaDevice : IDisposable
{
    private readonly IntPtr _context;
    private readonly ConcurrentDictionary<string, IntPtr> _modules = new();
    private readonly ConcurrentDictionary<(string File, string Function), IntPtr> _functions = new();
    private readonly Lock _loadGate = new();
    private bool _disposed;

    /// <summary>Opens device <paramref name="ordinal"/>: creates a context and a stream.</summary>
    public CudaDevice(CudaDriver driver, Nvrtc? nvrtc, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(driver);
        var count = driver.DeviceCount();
        if (ordinal < 0 || ordinal >= count)
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal,
                $"CudaDevice: ordinal must be in 0..{count - 1}.");
        Driver = driver;
        Compiler = nvrtc;
        Ordinal = ordinal;
        Handle = driver.Device(ordinal);
        Name = driver.DeviceName(Handle);
        ComputeCapability = 10 * driver.DeviceAttribute(Handle, CudaDriver.AttributeComputeCapabilityMajor)
                            + driver.DeviceAttribute(Handle, CudaDriver.AttributeComputeCapabilityMinor);
        Multiprocessors = driver.DeviceAttribute(Handle, CudaDriver.AttributeMultiprocessorCount);
        TotalMemory = driver.DeviceTotalMemory(Handle);
        _context = driver.CreateContext(Handle);
        Stream = driver.CreateStream();
        Allocator = new CachingAllocator(this);
    }

    /// <summary>The driver bindings.</summary>
    public CudaDriver Driver { get; }
    /// <summary>NVRTC, or null when absent (then no kernel can be compiled).</summary>
    public Nvrtc? Compiler { get; }
    /// <summary>Device ordinal.</summary>
    public int Ordinal { get; }
    /// <summary>CUdevice handle.</summary>
    public int Handle { get; }
    /// <summary>Marketing name (e.g. "NVIDIA H100 80GB HBM3").</summary>
    public string Name { get; }
    /// <summary>Compute capability as 10 * major + minor (e.g. 90).</summary>
    public int ComputeCapability { get; }
    /// <summary>Streaming multiprocessors.</summary>
    public int Multiprocessors { get; }
    /// <summary>Device memory in bytes.</summary>
    public ulong TotalMemory { get; }
    /// <summary>The stream all work of this device is queued on.</summary>
    public IntPtr Stream { get; }
    /// <summary>The caching allocator behind <see cref="Allocate"/>.</summary>
    public CachingAllocator Allocator { get; }

    /// <summary>Binds this device's context to the calling thread.</summary>
    public void MakeCurrent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Driver.SetCurrent(_context);
    }

    /// <summary>Zero-filled storage for <paramref name="length"/> elements of <paramref name="dtype"/>.</summary>
    public CudaStorage Allocate(DType dtype, long length)
    {
        if (length < 0)
            throw new ArgumentOutOfRangeException(nameof(length), length, "CudaDevice.Allocate: length must be >= 0.");
        var bytes = (ulong)((length * dtype.BitsPerElement() + 7) / 8);
        var (pointer, capacity) = Allocator.Rent(bytes);
        MakeCurrent();
        Driver.Fill(pointer, 0, capacity);
        return new CudaStorage(this, pointer, capacity, dtype, length);
    }

    /// <summary>Allocates device storage holding a copy of <paramref name="data"/>.</summary>
    public CudaStorage Upload<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        var bytes = (ulong)data.Length * (ulong)sizeof(T);
        // The engine has no fp16 dtype: fp16 data (Half or its ushort bits) is held as raw bytes.
        var storage = typeof(T) == typeof(Half) || typeof(T) == typeof(ushort)
            ? AllocateRaw(DType.UInt8, (long)bytes, bytes)
            : AllocateRaw(DTypeInfo.Of<T>(), data.Length, bytes);
        CopyToDevice(data, storage);
        return storage;
    }

    /// <summary>Allocates device storage holding packed int4 codes (two per byte, low nibble first).</summary>
    public CudaStorage UploadInt4(ReadOnlySpan<byte> packed, long count)
    {
        if ((count + 1) / 2 != packed.Length)
            throw new ArgumentException(
                $"CudaDevice.UploadInt4: {count} codes need {(count + 1) / 2} bytes, got {packed.Length}.",
                nameof(packed));
        var storage = AllocateRaw(DType.Int4Packed, count, (ulong)packed.Length);
        CopyToDevice(packed, storage);
        return storage;
    }

    /// <summary>Copies host data into the start of device storage (bytes must fit).</summary>
    public void CopyToDevice<T>(ReadOnlySpan<T> source, CudaStorage destination) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(destination);
        var bytes = (ulong)source.Length * (ulong)sizeof(T);
        if (bytes > destination.Capacity)
            throw new ArgumentException(
                $"CudaDevice.CopyToDevice: {bytes} bytes do not fit the {destination.Capacity}-byte block.",
                nameof(source));
        MakeCurrent();
        Driver.SynchronizeStream(Stream);
        fixed (T* p = source) Driver.CopyToDevice(destination.Pointer, p, bytes);
    }

    /// <summary>
    /// Waits for queued work, then copies the start of device storage into <paramref name="destination"/>.
    /// </summary>
    public void CopyToHost<T>(CudaStorage source, Span<T> destination) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(source);
        var bytes = (ulong)destination.Length * (ulong)sizeof(T);
        if (bytes > source.Capacity)
            throw new ArgumentException(
                $"CudaDevice.CopyToHost: {bytes} bytes exceed the {source.Capacity}-byte block.", nameof(destination));
        MakeCurrent();
        Driver.SynchronizeStream(Stream);
        fixed (T* p = destination) Driver.CopyToHost(p, source.Pointer, bytes);
    }

    /// <summary>A host array with the first <paramref name="count"/> elements of device storage.</summary>
    public T[] Download<T>(CudaStorage source, int count) where T : unmanaged
    {
        var host = new T[count];
        CopyToHost<T>(source, host);
        return host;
    }

    /// <summary>
    /// Queues kernel <paramref name="function"/> of source file <paramref name="file"/> on this device's stream.
    /// </summary>
    public void Launch(string file, string function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block,
        params ReadOnlySpan<KernelArgument> arguments)
        => LaunchOn(Stream, file, function, grid, block, arguments);

    /// <summary>
    /// Queues kernel <paramref name="function"/> of source file <paramref name="file"/> on <paramref name="stream"/> (a
    /// stream of this device's context).
    /// </summary>
    public void LaunchOn(IntPtr stream, string file, string function, (uint X, uint Y, uint Z) grid,
        (uint X, uint Y, uint Z) block, params ReadOnlySpan<KernelArgument> arguments)
    {
        var f = Function(file, function);
        var slots = stackalloc ulong[arguments.Length];
        var pointers = stackalloc void*[arguments.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            slots[i] = arguments[i].Bits;
            pointers[i] = slots + i;
        }
        MakeCurrent();
        Driver.Launch(f, grid, block, 0, stream, pointers, function);
    }

    /// <summary>
    /// Waits for all queued work; surfaces any asynchronous kernel fault as a <see cref="CudaException"/>.
    /// </summary>
    public void Synchronize()
    {
        MakeCurrent();
        Driver.SynchronizeStream(Stream);
    }

    /// <summary>
    /// Milliseconds of GPU time <paramref name="work"/> queues, measured with CUDA events on this stream.
    /// </summary>
    public float Time(Action work)
    {
        ArgumentNullException.ThrowIfNull(work);
        MakeCurrent();
        var start = Driver.CreateEvent();
        var end = Driver.CreateEvent();
        try
        {
            Driver.RecordEvent(start, Stream);
            work();
            MakeCurrent();
            Driver.RecordEvent(end, Stream);
            Driver.SynchronizeEvent(end);
            return Driver.ElapsedMilliseconds(start, end);
        }
        finally
        {
            Driver.DestroyEvent(start);
            Driver.DestroyEvent(end);
        }
    }

    /// <summary>
    /// Compiles (through the PTX cache) and loads kernel sources <paramref name="files"/> (the product's by default,
    /// <see cref="KernelSource.CudaFiles"/>), so later launches pay no compile time.
    /// </summary>
    public void LoadModules(IEnumerable<string>? files = null)
    {
        foreach (var file in files ?? KernelSource.CudaFiles) Module(file);
    }

    /// <summary>Frees cached memory, the stream and the context.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Allocator.Trim();
        MakeCurrent();
        foreach (var m in _modules.Values) Driver.UnloadModule(m);
        Driver.DestroyStream(Stream);
        Driver.DestroyContext(_context);
        _disposed = true;
    }

    private CudaStorage AllocateRaw(DType dtype, long length, ulong bytes)
    {
        var (pointer, capacity) = Allocator.Rent(bytes);
        return new CudaStorage(this, pointer, capacity, dtype, length);
    }

    private IntPtr Function(string file, string function) =>
        _functions.GetOrAdd((file, function), key =>
        {
            MakeCurrent();
            return Driver.Function(Module(key.File), key.Function);
        });

    private IntPtr Module(string file)
    {
        if (_modules.TryGetValue(file, out var m)) return m;
        lock (_loadGate)
        {
            if (_modules.TryGetValue(file, out m)) return m;
            var compiler = Compiler ?? throw new CudaException(
                $"Cannot compile {file}: {(Nvrtc.TryGet(out var why) is null ? why : "NVRTC missing")}.");
            var ptx = PtxCache.Get(compiler, file,
                Math.Min(ComputeCapability, compiler.SupportedArchitectures().Max()));
            MakeCurrent();
            m = Driver.LoadModule(ptx);
            _modules[file] = m;
            return m;
        }
    }
}

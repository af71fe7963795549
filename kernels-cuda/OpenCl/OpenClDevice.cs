using System.Text;
using Silk.NET.OpenCL;

namespace Qail.Kernels.Cuda;

/// <summary>
/// The first OpenCL device of the first platform that has one (PoCL on the CPU in CI), with a context, an in-order
/// queue and the portable kernels (Kernels/portable.cu after prelude_opencl.h) built for it; the policy ops
/// (policy.cu) build at their first launch. Every call is checked.
/// </summary>
public sealed unsafe class OpenClDevice : IComputeDevice, IDisposable
{
    private const int WorkGroupSize = IComputeDevice.GroupSize;
    private static readonly Lazy<(OpenClDevice? Device, string Reason)> Shared = new(Open);
    private readonly CL _cl;
    private readonly IntPtr _device, _context, _queue, _program;
    private IntPtr _policyProgram;
    private string? _policyProblem;
    private readonly Dictionary<string, IntPtr> _kernels = [];
    private readonly Lock _gate = new();

    private OpenClDevice(CL cl, IntPtr platform, IntPtr device)
    {
        _cl = cl;
        _device = device;
        Name = $"{PlatformString(platform, PlatformInfo.Name)} / {DeviceString(device, DeviceInfo.Name)}";
        ulong type;
        Check(cl.GetDeviceInfo(device, DeviceInfo.Type, (nuint)sizeof(ulong), &type, null),
            "clGetDeviceInfo(CL_DEVICE_TYPE)");
        IsGpu = ((DeviceType)type & DeviceType.Gpu) != 0;
        int error;
        var devices = stackalloc IntPtr[1] { device };
        _context = cl.CreateContext(null, 1, devices, null, null, &error);
        Check(error, "clCreateContext");
        _queue = cl.CreateCommandQueue(_context, device, CommandQueueProperties.None, &error);
        Check(error, "clCreateCommandQueue");
        _program = Build(KernelSource.OpenCl(), out var problem);
        if (problem is not null) throw new OpenClException(problem);
    }

    /// <summary>Platform and device name.</summary>
    public string Name { get; }

    /// <summary>True when the device is a GPU (false for PoCL and other CPU implementations).</summary>
    public bool IsGpu { get; }

    /// <summary>
    /// The process-wide device, or null with the reason (no libOpenCL, no platform, no device, build failure).
    /// </summary>
    public static OpenClDevice? TryGet(out string reason)
    {
        var (device, why) = Shared.Value;
        reason = why;
        return device;
    }

    private static (OpenClDevice?, string) Open()
    {
        CL cl;
        try
        {
            cl = new CL(OpenClLibrary.Open());
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or InvalidOperationException
            or EntryPointNotFoundException)
        {
            return (null, $"no OpenCL loader (libOpenCL.so.1): {e.Message}");
        }
        uint count;
        if (cl.GetPlatformIDs(0, null, &count) != 0 || count == 0)
            return (null, "no OpenCL platform (install an ICD, e.g. pocl-opencl-icd)");
        var platforms = new IntPtr[count];
        fixed (IntPtr* p = platforms) cl.GetPlatformIDs(count, p, null);
        foreach (var platform in platforms)
        {
            uint devices;
            if (cl.GetDeviceIDs(platform, DeviceType.All, 0, null, &devices) != 0 || devices == 0) continue;
            IntPtr device;
            cl.GetDeviceIDs(platform, DeviceType.All, 1, &device, null);
            try
            {
                var opened = new OpenClDevice(cl, platform, device);
                return (opened, $"OpenCL: {opened.Name}");
            }
            catch (OpenClException e)
            {
                return (null, $"OpenCL device unusable: {e.Message}");
            }
        }
        return (null, "no OpenCL device on any platform");
    }

    /// <summary>A read-only device buffer initialised from <paramref name="data"/>.</summary>
    public IntPtr Buffer<T>(ReadOnlySpan<T> data) where T : unmanaged
    {
        int error;
        IntPtr buffer;
        // A zero-length buffer is invalid in OpenCL; an unused argument still needs one valid byte.
        byte zero = 0;
        fixed (T* p = data)
            buffer = _cl.CreateBuffer(_context, MemFlags.ReadWrite | MemFlags.CopyHostPtr,
                (nuint)Math.Max(1, data.Length * sizeof(T)), data.IsEmpty ? &zero : p, &error);
        Check(error, "clCreateBuffer");
        return buffer;
    }

    /// <summary>An uninitialised device buffer of <paramref name="count"/> elements.</summary>
    public IntPtr Buffer<T>(int count) where T : unmanaged
    {
        int error;
        var buffer = _cl.CreateBuffer(_context, MemFlags.ReadWrite, (nuint)Math.Max(1, count * sizeof(T)), null,
            &error);
        Check(error, "clCreateBuffer");
        return buffer;
    }

    /// <summary>Blocking read of a whole buffer.</summary>
    public T[] Read<T>(IntPtr buffer, int count) where T : unmanaged
    {
        var host = new T[count];
        fixed (T* p = host)
            Check(_cl.EnqueueReadBuffer(_queue, buffer, true, 0, (nuint)(count * sizeof(T)), p, 0, null, null),
                "clEnqueueReadBuffer");
        return host;
    }

    /// <summary>Releases a buffer.</summary>
    public void Release(IntPtr buffer) => Check(_cl.ReleaseMemObject(buffer), "clReleaseMemObject");

    /// <summary>
    /// Runs kernel <paramref name="name"/> over <paramref name="globalSize"/> work-items with the arguments in order,
    /// and waits.
    /// </summary>
    public void Run(string name, long globalSize, params ReadOnlySpan<OpenClArgument> arguments)
    {
        lock (_gate)
        {
            Enqueue(name, globalSize, arguments);
            Check(_cl.Finish(_queue), $"clFinish({name})");
        }
    }

    string IComputeDevice.Name => $"OpenCL: {Name}";

    /// <inheritdoc />
    public ComputeBuffer Allocate(long bytes)
    {
        if (bytes is < 0 or > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes,
                "OpenClDevice.Allocate: bytes must be in 0..2^31-1.");
        var zeros = new byte[Math.Max(1, bytes)];
        return new ComputeBuffer(this, (ulong)Buffer<byte>(zeros), zeros.Length);
    }

    /// <inheritdoc />
    public void Write<T>(ComputeBuffer destination, long byteOffset, ReadOnlySpan<T> source) where T : unmanaged
    {
        Own(destination).CheckRange(byteOffset, source.Length, sizeof(T), "OpenClDevice.Write");
        if (source.IsEmpty) return;
        lock (_gate)
            fixed (T* p = source)
                Check(_cl.EnqueueWriteBuffer(_queue, (IntPtr)destination.Handle, true, (nuint)byteOffset,
                    (nuint)(source.Length * sizeof(T)), p, 0, null, null), "clEnqueueWriteBuffer");
    }

    /// <inheritdoc />
    public void Read<T>(ComputeBuffer source, long byteOffset, Span<T> destination) where T : unmanaged
    {
        Own(source).CheckRange(byteOffset, destination.Length, sizeof(T), "OpenClDevice.Read");
        lock (_gate)
        {
            if (destination.IsEmpty)
            {
                Check(_cl.Finish(_queue), "clFinish");
                return;
            }
            fixed (T* p = destination)
                Check(_cl.EnqueueReadBuffer(_queue, (IntPtr)source.Handle, true, (nuint)byteOffset,
                    (nuint)(destination.Length * sizeof(T)), p, 0, null, null), "clEnqueueReadBuffer");
        }
    }

    /// <inheritdoc />
    public void Launch(string kernel, long workItems, params ReadOnlySpan<ComputeArgument> arguments)
    {
        Span<OpenClArgument> converted = stackalloc OpenClArgument[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
            converted[i] = arguments[i].IsBuffer ? new OpenClArgument(arguments[i].Bits, IntPtr.Size)
                : new OpenClArgument(arguments[i].Bits, arguments[i].Size);
        lock (_gate) Enqueue(kernel, workItems, converted);
    }

    /// <inheritdoc />
    public void Release(ComputeBuffer buffer) => Release((IntPtr)Own(buffer).Handle);

    /// <inheritdoc />
    public bool CanRecord => false;

    /// <inheritdoc />
    public IRecordedLaunches? Record(Action enqueue) => null;

    private ComputeBuffer Own(ComputeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (!ReferenceEquals(buffer.Owner, this))
            throw new ArgumentException("OpenClDevice: the buffer belongs to another device.", nameof(buffer));
        return buffer;
    }

    // Sets the arguments and queues the kernel; the caller holds the gate.
    private void Enqueue(string name, long globalSize, ReadOnlySpan<OpenClArgument> arguments)
    {
        if (globalSize < 1 || globalSize > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(globalSize), globalSize,
                $"OpenCL {name}: global size must be in 1..2^31-1.");
        {
            if (!_kernels.TryGetValue(name, out var kernel))
            {
                int error;
                kernel = _cl.CreateKernel(ProgramOf(name), name, &error);
                Check(error, $"clCreateKernel({name})");
                _kernels[name] = kernel;
            }
            for (var i = 0; i < arguments.Length; i++)
            {
                var a = arguments[i];
                var bits = a.Bits;
                // Names are formatted only on failure: launches are the per-action hot path.
                int set = _cl.SetKernelArg(kernel, (uint)i, (nuint)a.Size, &bits);
                if (set != 0) Check(set, $"clSetKernelArg({name}, {i})");
            }
            // A fixed work-group size (the kernels bounds-check their index) lets a compiler that specialises per
            // work-group size, as PoCL does, build each kernel once instead of once per problem size.
            nuint local = WorkGroupSize,
                global = (nuint)((globalSize + WorkGroupSize - 1) / WorkGroupSize * WorkGroupSize);
            int queued = _cl.EnqueueNdrangeKernel(_queue, kernel, 1, null, &global, &local, 0, null, null);
            if (queued != 0) Check(queued, $"clEnqueueNDRangeKernel({name})");
        }
    }

    /// <summary>Releases kernels, program, queue and context.</summary>
    public void Dispose()
    {
        foreach (var k in _kernels.Values) _cl.ReleaseKernel(k);
        _cl.ReleaseProgram(_program);
        if (_policyProgram != IntPtr.Zero) _cl.ReleaseProgram(_policyProgram);
        _cl.ReleaseCommandQueue(_queue);
        _cl.ReleaseContext(_context);
    }

    // The deployed-policy ops (pol_*) live in a program of their own, built at first use: they need cl_khr_fp64, and
    // a device without it (many integrated GPUs) keeps the portable kernels. The caller holds the gate.
    private IntPtr ProgramOf(string kernel)
    {
        if (!kernel.StartsWith("pol_", StringComparison.Ordinal)) return _program;
        if (_policyProgram == IntPtr.Zero && _policyProblem is null)
        {
            _policyProgram = Build(KernelSource.OpenClPolicy(), out _policyProblem);
            _policyProblem = _policyProblem is null
                ? null : $"the deployed-policy kernels (which need cl_khr_fp64) do not build: {_policyProblem}";
        }
        return _policyProblem is null ? _policyProgram : throw new OpenClException(_policyProblem);
    }

    // Correctly rounded division is what makes quantize match the CPU's x / scale bit for bit.
    private IntPtr Build(string text, out string? problem)
    {
        int error;
        var source = Encoding.UTF8.GetBytes(text);
        IntPtr program;
        fixed (byte* s = source)
        {
            var length = (nuint)source.Length;
            var sources = stackalloc byte*[1] { s };
            program = _cl.CreateProgramWithSource(_context, 1, sources, &length, &error);
        }
        Check(error, "clCreateProgramWithSource");
        var device = _device;
        int build = _cl.BuildProgram(program, 1, &device, "-cl-fp32-correctly-rounded-divide-sqrt", null, null);
        problem = build == 0 ? null : $"clBuildProgram failed ({build}) on {Name}:\n{BuildLog(program)}";
        if (problem is not null) _cl.ReleaseProgram(program);
        return problem is null ? program : IntPtr.Zero;
    }

    private string BuildLog(IntPtr program)
    {
        nuint size;
        _cl.GetProgramBuildInfo(program, _device, ProgramBuildInfo.BuildLog, 0, null, &size);
        var log = new byte[size];
        fixed (byte* p = log) _cl.GetProgramBuildInfo(program, _device, ProgramBuildInfo.BuildLog, size, p, null);
        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    private string PlatformString(IntPtr platform, PlatformInfo info)
    {
        nuint size;
        _cl.GetPlatformInfo(platform, info, 0, null, &size);
        var text = new byte[size];
        fixed (byte* p = text) _cl.GetPlatformInfo(platform, info, size, p, null);
        return Encoding.UTF8.GetString(text).TrimEnd('\0');
    }

    private string DeviceString(IntPtr device, DeviceInfo info)
    {
        nuint size;
        _cl.GetDeviceInfo(device, info, 0, null, &size);
        var text = new byte[size];
        fixed (byte* p = text) _cl.GetDeviceInfo(device, info, size, p, null);
        return Encoding.UTF8.GetString(text).TrimEnd('\0');
    }

    private static void Check(int error, string call)
    {
        if (error != 0) throw new OpenClException($"{call} failed with OpenCL error {error} ({(ErrorCodes)error}).");
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace Qail.Kernels.Cuda;

/// <summary>
/// Bindings to the CUDA driver API (libcuda.so.1), resolved at run time through NativeLibrary into unmanaged
/// function pointers (NativeAOT-safe, no marshalling stubs). Every wrapper checks the CUresult and throws a
/// <see cref="CudaException"/> naming the call and the error. Handles (contexts, modules, streams, events) are IntPtr;
/// device pointers are ulong (CUdeviceptr).
/// </summary>
public sealed unsafe partial class CudaDriver
{
    /// <summary>CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT.</summary>
    public const int AttributeMultiprocessorCount = 16;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR.</summary>
    public const int AttributeComputeCapabilityMajor = 75;
    /// <summary>CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR.</summary>
    public const int AttributeComputeCapabilityMinor = 76;

    private static readonly string[] LibraryNames = ["libcuda.so.1", "libcuda.so", "nvcuda.dll"];
    private static readonly Lazy<(CudaDriver? Driver, string Reason)> Shared = new(Load);

    private readonly delegate* unmanaged<uint, int> _init;
    private readonly delegate* unmanaged<int*, int> _driverGetVersion;
    private readonly delegate* unmanaged<int*, int> _deviceGetCount;
    private readonly delegate* unmanaged<int*, int, int> _deviceGet;
    private readonly delegate* unmanaged<byte*, int, int, int> _deviceGetName;
    private readonly delegate* unmanaged<int*, int, int, int> _deviceGetAttribute;
    private readonly delegate* unmanaged<nuint*, int, int> _deviceTotalMem;
    private readonly delegate* unmanaged<IntPtr*, uint, int, int> _ctxCreate;
    private readonly delegate* unmanaged<IntPtr, int> _ctxDestroy;
    private readonly delegate* unmanaged<IntPtr, int> _ctxSetCurrent;
    private readonly delegate* unmanaged<int> _ctxSynchronize;
    private readonly delegate* unmanaged<IntPtr*, byte*, int> _moduleLoadData;
    private readonly delegate* unmanaged<IntPtr, int> _moduleUnload;
    private readonly delegate* unmanaged<IntPtr*, IntPtr, byte*, int> _moduleGetFunction;
    private readonly delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>
        _launchKernel;
    private readonly delegate* unmanaged<ulong*, nuint, int> _memAlloc;
    private readonly delegate* unmanaged<ulong, int> _memFree;
    private readonly delegate* unmanaged<ulong, void*, nuint, int> _memcpyHtoD;
    private readonly delegate* unmanaged<void*, ulong, nuint, int> _memcpyDtoH;
    private readonly delegate* unmanaged<ulong, ulong, nuint, int> _memcpyDtoD;
    private readonly delegate* unmanaged<ulong, void*, nuint, IntPtr, int> _memcpyHtoDAsync;
    private readonly delegate* unmanaged<void*, ulong, nuint, IntPtr, int> _memcpyDtoHAsync;
    private readonly delegate* unmanaged<ulong, ulong, nuint, IntPtr, int> _memcpyDtoDAsync;
    private readonly delegate* unmanaged<ulong, byte, nuint, int> _memsetD8;
    private readonly delegate* unmanaged<IntPtr*, uint, int> _streamCreate;
    private readonly delegate* unmanaged<IntPtr, int> _streamDestroy;
    private readonly delegate* unmanaged<IntPtr, int> _streamSynchronize;
    private readonly delegate* unmanaged<IntPtr*, uint, int> _eventCreate;
    private readonly delegate* unmanaged<IntPtr, int> _eventDestroy;
    private readonly delegate* unmanaged<IntPtr, IntPtr, int> _eventRecord;
    private readonly delegate* unmanaged<IntPtr, int> _eventSynchronize;
    private readonly delegate* unmanaged<float*, IntPtr, IntPtr, int> _eventElapsedTime;
    private readonly delegate* unmanaged<int, byte**, int> _getErrorName;
    private readonly delegate* unmanaged<int, byte**, int> _getErrorString;

    private CudaDriver(IntPtr lib, string name)
    {
        LibraryName = name;
        IntPtr E(string symbol) => NativeLibraryLoader.Export(lib, name, symbol);
        _init = (delegate* unmanaged<uint, int>)E("cuInit");
        _driverGetVersion = (delegate* unmanaged<int*, int>)E("cuDriverGetVersion");
        _deviceGetCount = (delegate* unmanaged<int*, int>)E("cuDeviceGetCount");
        _deviceGet = (delegate* unmanaged<int*, int, int>)E("cuDeviceGet");
        _deviceGetName = (delegate* unmanaged<byte*, int, int, int>)E("cuDeviceGetName");
        _deviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)E("cuDeviceGetAttribute");
        _deviceTotalMem = (delegate* unmanaged<nuint*, int, int>)E("cuDeviceTotalMem_v2");
        _ctxCreate = (delegate* unmanaged<IntPtr*, uint, int, int>)E("cuCtxCreate_v2");
        _ctxDestroy = (delegate* unmanaged<IntPtr, int>)E("cuCtxDestroy_v2");
        _ctxSetCurrent = (delegate* unmanaged<IntPtr, int>)E("cuCtxSetCurrent");
        _ctxSynchronize = (delegate* unmanaged<int>)E("cuCtxSynchronize");
        _moduleLoadData = (delegate* unmanaged<IntPtr*, byte*, int>)E("cuModuleLoadData");
        _moduleUnload = (delegate* unmanaged<IntPtr, int>)E("cuModuleUnload");
        _moduleGetFunction = (delegate* unmanaged<IntPtr*, IntPtr, byte*, int>)E("cuModuleGetFunction");
        _launchKernel =
            (delegate* unmanaged<IntPtr, uint, uint, uint, uint, uint, uint, uint, IntPtr, void**, void**, int>)E(
            "cuLaunchKernel");
        _memAlloc = (delegate* unmanaged<ulong*, nuint, int>)E("cuMemAlloc_v2");
        _memFree = (delegate* unmanaged<ulong, int>)E("cuMemFree_v2");
        _memcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, int>)E("cuMemcpyHtoD_v2");
        _memcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, int>)E("cuMemcpyDtoH_v2");
        _memcpyDtoD = (delegate* unmanaged<ulong, ulong, nuint, int>)E("cuMemcpyDtoD_v2");
        _memcpyHtoDAsync = (delegate* unmanaged<ulong, void*, nuint, IntPtr, int>)E("cuMemcpyHtoDAsync_v2");
        _memcpyDtoHAsync = (delegate* unmanaged<void*, ulong, nuint, IntPtr, int>)E("cuMemcpyDtoHAsync_v2");
        _memcpyDtoDAsync = (delegate* unmanaged<ulong, ulong, nuint, IntPtr, int>)E("cuMemcpyDtoDAsync_v2");
        _memsetD8 = (delegate* unmanaged<ulong, byte, nuint, int>)E("cuMemsetD8_v2");
        _streamCreate = (delegate* unmanaged<IntPtr*, uint, int>)E("cuStreamCreate");
        _streamDestroy = (delegate* unmanaged<IntPtr, int>)E("cuStreamDestroy_v2");
        _streamSynchronize = (delegate* unmanaged<IntPtr, int>)E("cuStreamSynchronize");
        _eventCreate = (delegate* unmanaged<IntPtr*, uint, int>)E("cuEventCreate");
        _eventDestroy = (delegate* unmanaged<IntPtr, int>)E("cuEventDestroy_v2");
        _eventRecord = (delegate* unmanaged<IntPtr, IntPtr, int>)E("cuEventRecord");
        _eventSynchronize = (delegate* unmanaged<IntPtr, int>)E("cuEventSynchronize");
        _eventElapsedTime = (delegate* unmanaged<float*, IntPtr, IntPtr, int>)E("cuEventElapsedTime");
        _getErrorName = (delegate* unmanaged<int, byte**, int>)E("cuGetErrorName");
        _getErrorString = (delegate* unmanaged<int, byte**, int>)E("cuGetErrorString");
        LoadGraphApi(lib);
    }

    /// <summary>The library file that was loaded.</summary>
    public string LibraryName { get; }

    /// <summary>
    /// The process-wide driver after cuInit, or null with the reason (no libcuda.so.1, cuInit failed).
    /// </summary>
    public static CudaDriver? TryGet(out string reason)
    {
        var (driver, why) = Shared.Value;
        reason = why;
        return driver;
    }

    private static (CudaDriver?, string) Load()
    {
        if (!NativeLibraryLoader.TryLoad(LibraryNames, out var lib, out var name))
            return (null, $"no CUDA driver: {name}");
        try
        {
            var driver = new CudaDriver(lib, name);
            driver.Init();
            return (driver,
                $"CUDA driver {driver.DriverVersion() / 1000}.{driver.DriverVersion() % 1000 / 10} ({name})");
        }
        catch (CudaException e)
        {
            return (null, $"CUDA driver unusable: {e.Message}");
        }
    }

    /// <summary>cuInit(0).</summary>
    public void Init() => Check(_init(0), "cuInit");

    /// <summary>cuDriverGetVersion: 1000 * major + 10 * minor.</summary>
    public int DriverVersion() { int v; Check(_driverGetVersion(&v), "cuDriverGetVersion"); return v; }

    /// <summary>cuDeviceGetCount.</summary>
    public int DeviceCount() { int n; Check(_deviceGetCount(&n), "cuDeviceGetCount"); return n; }

    /// <summary>cuDeviceGet: the device handle of ordinal <paramref name="ordinal"/>.</summary>
    public int Device(int ordinal) { int d; Check(_deviceGet(&d, ordinal), $"cuDeviceGet({ordinal})"); return d; }

    /// <summary>cuDeviceGetName.</summary>
    public string DeviceName(int device)
    {
        var buffer = stackalloc byte[256];
        Check(_deviceGetName(buffer, 256, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "";
    }

    /// <summary>cuDeviceGetAttribute.</summary>
    public int DeviceAttribute(int device, int attribute)
    {
        int v;
        Check(_deviceGetAttribute(&v, attribute, device), $"cuDeviceGetAttribute({attribute})");
        return v;
    }

    /// <summary>cuDeviceTotalMem_v2, bytes.</summary>
    public ulong DeviceTotalMemory(int device)
    {
        nuint bytes;
        Check(_deviceTotalMem(&bytes, device), "cuDeviceTotalMem");
        return bytes;
    }

    /// <summary>cuCtxCreate_v2 (the new context becomes current on this thread).</summary>
    public IntPtr CreateContext(int device) { IntPtr c; Check(_ctxCreate(&c, 0, device), "cuCtxCreate"); return c; }

    /// <summary>cuCtxDestroy_v2.</summary>
    public void DestroyContext(IntPtr context) => Check(_ctxDestroy(context), "cuCtxDestroy");

    /// <summary>cuCtxSetCurrent: binds the context to the calling thread.</summary>
    public void SetCurrent(IntPtr context) => Check(_ctxSetCurrent(context), "cuCtxSetCurrent");

    /// <summary>cuCtxSynchronize.</summary>
    public void Synchronize() => Check(_ctxSynchronize(), "cuCtxSynchronize");

    /// <summary>cuModuleLoadData from NUL-terminated PTX text.</summary>
    public IntPtr LoadModule(ReadOnlySpan<byte> ptx)
    {
        var image = new byte[ptx.Length + 1];
        ptx.CopyTo(image);
        IntPtr m;
        fixed (byte* p = image) Check(_moduleLoadData(&m, p), "cuModuleLoadData");
        return m;
    }

    /// <summary>cuModuleUnload.</summary>
    public void UnloadModule(IntPtr module) => Check(_moduleUnload(module), "cuModuleUnload");

    /// <summary>cuModuleGetFunction.</summary>
    public IntPtr Function(IntPtr module, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        IntPtr f;
        fixed (byte* p = bytes) Check(_moduleGetFunction(&f, module, p), $"cuModuleGetFunction({name})");
        return f;
    }

    /// <summary>cuLaunchKernel with a kernelParams array (one pointer to each argument).</summary>
    public void Launch(IntPtr function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, uint sharedBytes,
        IntPtr stream, void** arguments, string name)
    {
        // The call's name is formatted only on failure: launches are the per-action hot path.
        int result = _launchKernel(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, sharedBytes, stream,
            arguments, null);
        if (result != 0) Check(result, $"cuLaunchKernel({name})");
    }

    /// <summary>cuMemAlloc_v2.</summary>
    public ulong Allocate(ulong bytes)
    {
        ulong pointer;
        Check(_memAlloc(&pointer, (nuint)bytes), $"cuMemAlloc({bytes} bytes)");
        return pointer;
    }

    /// <summary>cuMemFree_v2.</summary>
    public void Free(ulong pointer) => Check(_memFree(pointer), "cuMemFree");

    /// <summary>cuMemcpyHtoD_v2.</summary>
    public void CopyToDevice(ulong destination, void* source, ulong bytes) =>
        Check(_memcpyHtoD(destination, source, (nuint)bytes), "cuMemcpyHtoD");

    /// <summary>cuMemcpyDtoH_v2.</summary>
    public void CopyToHost(void* destination, ulong source, ulong bytes) =>
        Check(_memcpyDtoH(destination, source, (nuint)bytes), "cuMemcpyDtoH");

    /// <summary>cuMemcpyDtoD_v2.</summary>
    public void CopyDeviceToDevice(ulong destination, ulong source, ulong bytes) =>
        Check(_memcpyDtoD(destination, source, (nuint)bytes), "cuMemcpyDtoD");

    /// <summary>
    /// cuMemcpyHtoDAsync_v2 (host memory must stay pinned in place until the stream reaches the copy).
    /// </summary>
    public void CopyToDeviceAsync(ulong destination, void* source, ulong bytes, IntPtr stream) =>
        Check(_memcpyHtoDAsync(destination, source, (nuint)bytes, stream), "cuMemcpyHtoDAsync");

    /// <summary>cuMemcpyDtoHAsync_v2.</summary>
    public void CopyToHostAsync(void* destination, ulong source, ulong bytes, IntPtr stream) =>
        Check(_memcpyDtoHAsync(destination, source, (nuint)bytes, stream), "cuMemcpyDtoHAsync");

    /// <summary>cuMemcpyDtoDAsync_v2.</summary>
    public void CopyDeviceToDeviceAsync(ulong destination, ulong source, ulong bytes, IntPtr stream) =>
        Check(_memcpyDtoDAsync(destination, source, (nuint)bytes, stream), "cuMemcpyDtoDAsync");

    /// <summary>cuMemsetD8_v2.</summary>
    public void Fill(ulong destination, byte value, ulong bytes) =>
        Check(_memsetD8(destination, value, (nuint)bytes), "cuMemsetD8");

    /// <summary>cuStreamCreate (default flags).</summary>
    public IntPtr CreateStream() => CreateStream(0);

    /// <summary>
    /// cuStreamCreate with flags (1 = CU_STREAM_NON_BLOCKING: no implicit ordering with the legacy default stream).
    /// </summary>
    public IntPtr CreateStream(uint flags) { IntPtr s; Check(_streamCreate(&s, flags), "cuStreamCreate"); return s; }

    /// <summary>cuStreamDestroy_v2.</summary>
    public void DestroyStream(IntPtr stream) => Check(_streamDestroy(stream), "cuStreamDestroy");

    /// <summary>cuStreamSynchronize.</summary>
    public void SynchronizeStream(IntPtr stream) => Check(_streamSynchronize(stream), "cuStreamSynchronize");

    /// <summary>cuEventCreate (default flags, so it records timing).</summary>
    public IntPtr CreateEvent() { IntPtr e; Check(_eventCreate(&e, 0), "cuEventCreate"); return e; }

    /// <summary>cuEventDestroy_v2.</summary>
    public void DestroyEvent(IntPtr e) => Check(_eventDestroy(e), "cuEventDestroy");

    /// <summary>cuEventRecord.</summary>
    public void RecordEvent(IntPtr e, IntPtr stream) => Check(_eventRecord(e, stream), "cuEventRecord");

    /// <summary>cuEventSynchronize.</summary>
    public void SynchronizeEvent(IntPtr e) => Check(_eventSynchronize(e), "cuEventSynchronize");

    /// <summary>cuEventElapsedTime, milliseconds between two recorded events.</summary>
    public float ElapsedMilliseconds(IntPtr start, IntPtr end)
    {
        float ms;
        Check(_eventElapsedTime(&ms, start, end), "cuEventElapsedTime");
        return ms;
    }

    /// <summary>
    /// Throws a <see cref="CudaException"/> naming <paramref name="call"/> and the error unless
    /// <paramref name="result"/> is CUDA_SUCCESS.
    /// </summary>
    public void Check(int result, string call)
    {
        if (result == 0) return;
        throw new CudaException($"{call} failed: {ErrorName(result)} ({result}): {ErrorString(result)}");
    }

    private string ErrorName(int result)
    {
        byte* s;
        return _getErrorName(result, &s) == 0 && s != null
            ? Marshal.PtrToStringUTF8((IntPtr)s) ?? "?" : "CUDA_ERROR_UNKNOWN_CODE";
    }

    private string ErrorString(int result)
    {
        byte* s;
        return _getErrorString(result, &s) == 0 && s != null
            ? Marshal.PtrToStringUTF8((IntPtr)s) ?? "?" : "no description";
    }
}

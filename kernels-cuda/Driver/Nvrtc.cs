using System.Runtime.InteropServices;
using System.Text;

namespace Qail.Kernels.Cuda;

/// <summary>
/// Bindings to NVRTC (the CUDA run-time compiler), loaded at run time from the usual sonames (CUDA 13, 12, 11.2+,
/// where Debian's libnvrtc11.2 ships CUDA 11.8's compiler), or from the file named by $QAIL_NVRTC. Compiles CUDA C++
/// source to PTX; every call is checked.
/// </summary>
public sealed unsafe class Nvrtc
{
    private static readonly string[] LibraryNames =
    [
        "libnvrtc.so", "libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so.11.1", "libnvrtc.so.11.0",
        "/usr/local/cuda/lib64/libnvrtc.so", "nvrtc64_120_0.dll", "nvrtc64_112_0.dll",
    ];
    private static readonly Lazy<(Nvrtc? Compiler, string Reason)> Shared = new(Load);

    private readonly delegate* unmanaged<int*, int*, int> _version;
    private readonly delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int> _createProgram;
    private readonly delegate* unmanaged<IntPtr*, int> _destroyProgram;
    private readonly delegate* unmanaged<IntPtr, int, byte**, int> _compileProgram;
    private readonly delegate* unmanaged<IntPtr, nuint*, int> _getPtxSize;
    private readonly delegate* unmanaged<IntPtr, byte*, int> _getPtx;
    private readonly delegate* unmanaged<IntPtr, nuint*, int> _getProgramLogSize;
    private readonly delegate* unmanaged<IntPtr, byte*, int> _getProgramLog;
    private readonly delegate* unmanaged<int, byte*> _getErrorString;
    private readonly delegate* unmanaged<int*, int> _getNumSupportedArchs;
    private readonly delegate* unmanaged<int*, int> _getSupportedArchs;

    private Nvrtc(IntPtr lib, string name)
    {
        LibraryName = name;
        IntPtr E(string symbol) => NativeLibraryLoader.Export(lib, name, symbol);
        _version = (delegate* unmanaged<int*, int*, int>)E("nvrtcVersion");
        _createProgram = (delegate* unmanaged<IntPtr*, byte*, byte*, int, byte**, byte**, int>)E("nvrtcCreateProgram");
        _destroyProgram = (delegate* unmanaged<IntPtr*, int>)E("nvrtcDestroyProgram");
        _compileProgram = (delegate* unmanaged<IntPtr, int, byte**, int>)E("nvrtcCompileProgram");
        _getPtxSize = (delegate* unmanaged<IntPtr, nuint*, int>)E("nvrtcGetPTXSize");
        _getPtx = (delegate* unmanaged<IntPtr, byte*, int>)E("nvrtcGetPTX");
        _getProgramLogSize = (delegate* unmanaged<IntPtr, nuint*, int>)E("nvrtcGetProgramLogSize");
        _getProgramLog = (delegate* unmanaged<IntPtr, byte*, int>)E("nvrtcGetProgramLog");
        _getErrorString = (delegate* unmanaged<int, byte*>)E("nvrtcGetErrorString");
        _getNumSupportedArchs = (delegate* unmanaged<int*, int>)E("nvrtcGetNumSupportedArchs");
        _getSupportedArchs = (delegate* unmanaged<int*, int>)E("nvrtcGetSupportedArchs");
        int major, minor;
        Check(_version(&major, &minor), "nvrtcVersion");
        Version = new Version(major, minor);
    }

    /// <summary>The library file that was loaded.</summary>
    public string LibraryName { get; }

    /// <summary>The NVRTC (CUDA toolkit) version.</summary>
    public Version Version { get; }

    /// <summary>The process-wide compiler, or null with the reason (no libnvrtc found).</summary>
    public static Nvrtc? TryGet(out string reason)
    {
        var (compiler, why) = Shared.Value;
        reason = why;
        return compiler;
    }

    /// <summary>
    /// Environment variable naming an NVRTC library file to try first (e.g. one bundled with PyTorch).
    /// </summary>
    public const string PathVariable = "QAIL_NVRTC";

    private static (Nvrtc?, string) Load()
    {
        var explicitPath = Environment.GetEnvironmentVariable(PathVariable);
        string[] names = string.IsNullOrEmpty(explicitPath) ? LibraryNames : [explicitPath, .. LibraryNames];
        if (!NativeLibraryLoader.TryLoad(names, out var lib, out var name)) return (null, $"no NVRTC: {name}");
        try
        {
            var nvrtc = new Nvrtc(lib, name);
            return (nvrtc, $"NVRTC {nvrtc.Version} ({name})");
        }
        catch (CudaException e)
        {
            return (null, $"NVRTC unusable: {e.Message}");
        }
    }

    /// <summary>The compute capabilities (e.g. 80 for sm_80) this NVRTC can target.</summary>
    public int[] SupportedArchitectures()
    {
        int n;
        Check(_getNumSupportedArchs(&n), "nvrtcGetNumSupportedArchs");
        var archs = new int[n];
        fixed (int* p = archs) Check(_getSupportedArchs(p), "nvrtcGetSupportedArchs");
        return archs;
    }

    /// <summary>
    /// Compiles <paramref name="source"/> to PTX for compute capability <paramref name="architecture"/> (e.g. 80).
    /// A compile error throws a <see cref="CudaException"/> carrying the NVRTC log.
    /// </summary>
    public byte[] CompileToPtx(string source, string name, int architecture, IReadOnlyList<string> extraOptions)
    {
        if (architecture < 50)
            throw new ArgumentOutOfRangeException(nameof(architecture), architecture,
                "Nvrtc: compute capability must be >= 50 (sm_50).");
        var src = Encoding.UTF8.GetBytes(source + "\0");
        var nm = Encoding.UTF8.GetBytes(name + "\0");
        IntPtr program;
        fixed (byte* s = src, n = nm)
            Check(_createProgram(&program, s, n, 0, null, null), $"nvrtcCreateProgram({name})");
        try
        {
            var options = new List<string> { $"--gpu-architecture=compute_{architecture}", "--std=c++14",
                "-default-device" };
            options.AddRange(extraOptions);
            var handles = options.Select(o => GCHandle.Alloc(Encoding.UTF8.GetBytes(o + "\0"),
                GCHandleType.Pinned)).ToArray();
            try
            {
                var pointers = stackalloc byte*[handles.Length];
                for (var i = 0; i < handles.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                var result = _compileProgram(program, handles.Length, pointers);
                if (result != 0)
                    throw new CudaException($"nvrtcCompileProgram({name}, sm_{architecture}) failed: "
                        + $"{ErrorString(result)}\n{Log(program)}");
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            nuint size;
            Check(_getPtxSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[size];
            fixed (byte* p = ptx) Check(_getPtx(program, p), "nvrtcGetPTX");
            // The PTX size counts the terminating NUL, which the module loader adds back itself.
            return ptx.AsSpan().TrimEnd((byte)0).ToArray();
        }
        finally
        {
            Check(_destroyProgram(&program), "nvrtcDestroyProgram");
        }
    }

    private string Log(IntPtr program)
    {
        nuint size;
        Check(_getProgramLogSize(program, &size), "nvrtcGetProgramLogSize");
        var log = new byte[size];
        fixed (byte* p = log) Check(_getProgramLog(program, p), "nvrtcGetProgramLog");
        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    private string ErrorString(int result) =>
        Marshal.PtrToStringUTF8((IntPtr)_getErrorString(result)) ?? $"NVRTC error {result}";

    private void Check(int result, string call)
    {
        if (result != 0) throw new CudaException($"{call} failed: {ErrorString(result)} ({result})");
    }
}

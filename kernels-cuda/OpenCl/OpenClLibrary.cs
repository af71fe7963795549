using System.Runtime.InteropServices;
using Silk.NET.Core.Contexts;

namespace Qail.Kernels.Cuda;

/// <summary>
/// The OpenCL loader (libOpenCL.so.1, OpenCL.dll or the macOS framework) opened through NativeLibrary and handed to
/// Silk.NET as its native context. `CL.GetApi()` would resolve the library through Silk's path resolver, which
/// probes Assembly.Location and the deps file: neither exists in a NativeAOT binary (IL3000/IL3002).
/// </summary>
internal sealed class OpenClLibrary : INativeContext
{
    private static readonly string[] Names =
        ["libOpenCL.so.1", "libOpenCL.so", "OpenCL.dll", "/System/Library/Frameworks/OpenCL.framework/OpenCL"];

    private IntPtr _handle;

    private OpenClLibrary(IntPtr handle) => _handle = handle;

    /// <summary>
    /// Opens the first loader that exists; throws <see cref="DllNotFoundException"/> naming those tried.
    /// </summary>
    public static OpenClLibrary Open() =>
        NativeLibraryLoader.TryLoad(Names, out var handle, out var loaded)
            ? new OpenClLibrary(handle)
            : throw new DllNotFoundException(loaded);

    /// <inheritdoc/>
    public nint GetProcAddress(string proc, int? slot = null) =>
        TryGetProcAddress(proc, out var address, slot)
            ? address
            : throw new EntryPointNotFoundException($"the OpenCL loader has no export {proc}.");

    /// <inheritdoc/>
    public bool TryGetProcAddress(string proc, out nint addr, int? slot = null)
    {
        addr = 0;
        return _handle != IntPtr.Zero && NativeLibrary.TryGetExport(_handle, proc, out addr);
    }

    /// <summary>The loader stays mapped for the process: the device and its kernels live as long.</summary>
    public void Dispose() => _handle = IntPtr.Zero;
}

using System.Runtime.InteropServices;

namespace Qail.Kernels.Cuda;

/// <summary>Loads the first native library that exists among candidate names and resolves its exports.</summary>
internal static class NativeLibraryLoader
{
    /// <summary>
    /// Tries each name in order; returns the handle and the name that loaded, or a reason listing what was tried.
    /// </summary>
    public static bool TryLoad(IReadOnlyList<string> names, out IntPtr handle, out string loaded)
    {
        foreach (var name in names)
            if (NativeLibrary.TryLoad(name, out handle))
            {
                loaded = name;
                return true;
            }
        handle = IntPtr.Zero;
        loaded = $"none of {string.Join(", ", names)} could be loaded";
        return false;
    }

    /// <summary>
    /// The address of export <paramref name="symbol"/>, or a clear exception when the library lacks it.
    /// </summary>
    public static IntPtr Export(IntPtr library, string libraryName, string symbol)
    {
        if (NativeLibrary.TryGetExport(library, symbol, out var address)) return address;
        throw new CudaException($"{libraryName} has no export {symbol}; the driver or NVRTC is too old.");
    }
}

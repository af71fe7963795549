using System.Runtime.InteropServices;

namespace Qail.Kernels.Cpu.MachineCode;

/// <summary>
/// Places generated machine code in memory the CPU may execute, never writable and executable at once (W^X):
/// pages are mapped read/write, filled, then switched to read/execute (mmap + mprotect on Linux, VirtualAlloc +
/// VirtualProtect on Windows). The pages live as long as the process, like the kernels they hold. Returns null
/// where the OS refuses (a hardened policy, an unsupported OS), so callers fall back to the intrinsics kernels.
/// </summary>
internal static unsafe partial class ExecutableMemory
{
    private const int ProtRead = 1, ProtWrite = 2, ProtExec = 4, MapPrivate = 2, MapAnonymous = 0x20;
    private const uint MemCommit = 0x1000, MemReserve = 0x2000, MemRelease = 0x8000;
    private const uint PageReadWrite = 4, PageExecuteRead = 0x20;

    /// <summary>
    /// Copies <paramref name="code"/> into fresh executable pages: their address, or null if refused.
    /// </summary>
    public static byte* Place(ReadOnlySpan<byte> code)
    {
        if (code.IsEmpty) throw new ArgumentException("ExecutableMemory.Place: no code to place.", nameof(code));
        var size = (nuint)((code.Length + 4095) & ~4095);
        try
        {
            if (OperatingSystem.IsLinux()) return PlaceLinux(code, size);
            if (OperatingSystem.IsWindows()) return PlaceWindows(code, size);
        }
        catch (DllNotFoundException) { }
        catch (EntryPointNotFoundException) { }
        return null;
    }

    private static byte* PlaceLinux(ReadOnlySpan<byte> code, nuint size)
    {
        var pages = Mmap(null, size, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (pages == null || pages == (void*)-1) return null;
        code.CopyTo(new Span<byte>(pages, code.Length));
        if (Mprotect(pages, size, ProtRead | ProtExec) == 0) return (byte*)pages;
        _ = Munmap(pages, size);
        return null;
    }

    private static byte* PlaceWindows(ReadOnlySpan<byte> code, nuint size)
    {
        var pages = VirtualAlloc(null, size, MemCommit | MemReserve, PageReadWrite);
        if (pages == null) return null;
        code.CopyTo(new Span<byte>(pages, code.Length));
        uint old;
        var placed = VirtualProtect(pages, size, PageExecuteRead, &old) != 0
                     && FlushInstructionCache((void*)-1, pages, size) != 0;
        if (placed) return (byte*)pages;
        _ = VirtualFree(pages, 0, MemRelease);
        return null;
    }

    [LibraryImport("libc", EntryPoint = "mmap")]
    private static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "mprotect")]
    private static partial int Mprotect(void* address, nuint length, int protection);

    [LibraryImport("libc", EntryPoint = "munmap")]
    private static partial int Munmap(void* address, nuint length);

    [LibraryImport("kernel32", EntryPoint = "VirtualAlloc")]
    private static partial void* VirtualAlloc(void* address, nuint size, uint allocationType, uint protection);

    [LibraryImport("kernel32", EntryPoint = "VirtualProtect")]
    private static partial int VirtualProtect(void* address, nuint size, uint protection, uint* oldProtection);

    [LibraryImport("kernel32", EntryPoint = "VirtualFree")]
    private static partial int VirtualFree(void* address, nuint size, uint freeType);

    [LibraryImport("kernel32", EntryPoint = "FlushInstructionCache")]
    private static partial int FlushInstructionCache(void* process, void* address, nuint size);
}

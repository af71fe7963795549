using System.Collections.Concurrent;
using System.Text;

namespace Qail.Kernels.Cuda;

/// <summary>
/// Compiles the embedded CUDA sources to PTX with NVRTC for one compute capability, cached per process and on disk
/// ($XDG_CACHE_HOME or ~/.cache, qail/ptx/) under the SHA-256 of source, architecture and NVRTC version, so a source
/// edit or a new compiler never reuses stale PTX.
/// </summary>
public static class PtxCache
{
    private static readonly ConcurrentDictionary<string, byte[]> InProcess = new();

    /// <summary>The folder holding cached PTX files.</summary>
    public static string Directory
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrEmpty(root))
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "qail", "ptx");
        }
    }

    /// <summary>
    /// PTX for source file <paramref name="file"/> at compute capability <paramref name="architecture"/> (e.g. 86).
    /// </summary>
    public static byte[] Get(Nvrtc nvrtc, string file, int architecture)
    {
        ArgumentNullException.ThrowIfNull(nvrtc);
        var source = KernelSource.Cuda(file);
        var key = KernelSource.Hash($"{source}\nsm_{architecture}\nnvrtc {nvrtc.Version}");
        return InProcess.GetOrAdd(key, _ => FromDiskOrCompile(nvrtc, source, file, architecture, key));
    }

    private static byte[] FromDiskOrCompile(Nvrtc nvrtc, string source, string file, int architecture, string key)
    {
        var path = Path.Combine(Directory,
            $"{Path.GetFileNameWithoutExtension(file)}-sm_{architecture}-{key[..16]}.ptx");
        try
        {
            if (File.Exists(path))
            {
                var cached = File.ReadAllBytes(path);
                // A truncated or foreign file is not trusted: a PTX module starts with a comment header and names its
                // target.
                if (cached.Length > 0 && Encoding.ASCII.GetString(cached).Contains($".target sm_{architecture}",
                    StringComparison.Ordinal)) return cached;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var ptx = nvrtc.CompileToPtx(source, file, architecture, []);
        // The disk copy only saves a recompile in the next process; an unwritable cache folder costs nothing else.
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var temp = path + "." + Environment.ProcessId + ".tmp";
            File.WriteAllBytes(temp, ptx);
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return ptx;
    }
}

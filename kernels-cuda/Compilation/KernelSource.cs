using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Qail.Kernels.Cuda;

/// <summary>
/// The kernel sources the product launches, embedded in this assembly (Kernels/*.cu, compiled after a per-backend
/// prelude), plus the sources a tool registers from its own assembly (the device check's benchmark kernels), so no
/// kernel that only a tool launches ships in the product.
/// </summary>
public static class KernelSource
{
    private static readonly ConcurrentDictionary<string, Assembly> Registered = new();

    /// <summary>The product's CUDA source files, each compiled to one PTX module.</summary>
    public static IReadOnlyList<string> CudaFiles { get; } = [PortableFile, PolicyFile];

    /// <summary>The file shared with OpenCL (quantize, dequantize, int4 GEMV, elementwise).</summary>
    public const string PortableFile = "portable.cu";

    /// <summary>The deployed-policy ops, also shared with OpenCL (run through <see cref="IComputeDevice"/>).</summary>
    public const string PolicyFile = "policy.cu";

    /// <summary>
    /// Makes the CUDA files <paramref name="files"/>, embedded in <paramref name="assembly"/> under the resource names
    /// "Qail.Kernels.Cuda.Kernels." + file, readable, compilable and launchable by file name like the product's own.
    /// </summary>
    public static void Register(Assembly assembly, IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentNullException.ThrowIfNull(files);
        foreach (var file in files)
        {
            if (assembly.GetManifestResourceInfo(ResourcePrefix + file) is null)
                throw new ArgumentException($"KernelSource: {assembly.GetName().Name} embeds no kernel file '{file}'.",
                    nameof(files));
            if (CudaFiles.Contains(file) || !Registered.TryAdd(file, assembly) && Registered[file] != assembly)
                throw new ArgumentException($"KernelSource: kernel file '{file}' is already defined.", nameof(files));
        }
    }

    /// <summary>The text of kernel file <paramref name="file"/> (e.g. "policy.cu", "prelude_cuda.h").</summary>
    public static string Read(string file)
    {
        var assembly = Registered.TryGetValue(file, out var owner) ? owner : typeof(KernelSource).Assembly;
        using var stream = assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new ArgumentException($"KernelSource: no embedded kernel file '{file}'.", nameof(file));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The full CUDA translation unit for <paramref name="file"/>: the CUDA prelude, then the file.</summary>
    public static string Cuda(string file) => Read("prelude_cuda.h") + "\n#line 1 \"" + file + "\"\n" + Read(file);

    /// <summary>The OpenCL C program of the portable kernels: the OpenCL prelude, then the portable file.</summary>
    public static string OpenCl() => Read("prelude_opencl.h") + "\n" + Read(PortableFile);

    /// <summary>
    /// The OpenCL C program of the policy ops: the prelude, double precision (layer norm, bin decoding), the policy
    /// file.
    /// </summary>
    public static string OpenClPolicy() =>
        Read("prelude_opencl.h") + "\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" + Read(PolicyFile);

    private const string ResourcePrefix = "Qail.Kernels.Cuda.Kernels.";

    /// <summary>Hex SHA-256 of a text (the on-disk cache key).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

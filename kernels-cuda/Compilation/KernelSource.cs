using System.Security.Cryptography;
using System.Text;

namespace Qail.Kernels.Cuda;

/// <summary>The kernel sources embedded in this assembly (Kernels/*.cu, compiled after a per-backend prelude).</summary>
public static class KernelSource
{
    /// <summary>The CUDA source files, each compiled to one PTX module.</summary>
    public static IReadOnlyList<string> CudaFiles { get; } = ["portable.cu", "gemv.cu", "w4a16_gemm.cu", "int8_gemm.cu", "conv.cu", "normalization.cu", PolicyFile];

    /// <summary>The file shared with OpenCL (quantize, dequantize, int4 GEMV, elementwise).</summary>
    public const string PortableFile = "portable.cu";

    /// <summary>The deployed-policy ops, also shared with OpenCL (run through <see cref="IComputeDevice"/>).</summary>
    public const string PolicyFile = "policy.cu";

    /// <summary>The text of embedded file <paramref name="file"/> (e.g. "gemv.cu", "prelude_cuda.h").</summary>
    public static string Read(string file)
    {
        using var stream = typeof(KernelSource).Assembly.GetManifestResourceStream("Qail.Kernels.Cuda.Kernels." + file)
            ?? throw new ArgumentException($"KernelSource: no embedded kernel file '{file}'.", nameof(file));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>The full CUDA translation unit for <paramref name="file"/>: the CUDA prelude, then the file.</summary>
    public static string Cuda(string file) => Read("prelude_cuda.h") + "\n#line 1 \"" + file + "\"\n" + Read(file);

    /// <summary>The OpenCL C program of the portable kernels: the OpenCL prelude, then the portable file.</summary>
    public static string OpenCl() => Read("prelude_opencl.h") + "\n" + Read(PortableFile);

    /// <summary>The OpenCL C program of the policy ops: the prelude, double precision (layer norm, bin decoding), the policy file.</summary>
    public static string OpenClPolicy() =>
        Read("prelude_opencl.h") + "\n#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n" + Read(PolicyFile);

    /// <summary>Hex SHA-256 of a text (the on-disk cache key).</summary>
    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

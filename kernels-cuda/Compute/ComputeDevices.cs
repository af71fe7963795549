namespace Qail.Kernels.Cuda;

/// <summary>
/// Finds a compute device by kind: "cuda" (device 0 through the driver API), "opencl" (the first OpenCL device, which
/// may be a CPU implementation such as PoCL), or "gpu" (CUDA, else an OpenCL device that is a GPU).
/// </summary>
public static class ComputeDevices
{
    /// <summary>The device kinds <see cref="TryGet"/> takes.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["gpu", "cuda", "opencl"];

    private static readonly Lazy<(IComputeDevice? Device, string Reason)> Cuda = new(OpenCuda);

    /// <summary>The device of <paramref name="kind"/>, or null with the reason none is usable.</summary>
    public static IComputeDevice? TryGet(string kind, out string reason)
    {
        ArgumentNullException.ThrowIfNull(kind);
        switch (kind.ToLowerInvariant())
        {
            case "cuda":
                (var cuda, reason) = Cuda.Value;
                return cuda;
            case "opencl":
                return OpenClDevice.TryGet(out reason);
            case "gpu":
                if (TryGet("cuda", out var cudaReason) is IComputeDevice found)
                {
                    reason = found.Name;
                    return found;
                }
                var openCl = OpenClDevice.TryGet(out var openClReason);
                if (openCl is { IsGpu: true })
                {
                    reason = ((IComputeDevice)openCl).Name;
                    return openCl;
                }
                string openClWhy = openCl is null ? openClReason
                    : $"the OpenCL device ({openCl.Name}) is not a GPU (--device opencl runs on it)";
                reason = $"{cudaReason}; {openClWhy}";
                return null;
            default:
                throw new ArgumentException(
                    $"ComputeDevices: unknown device kind \"{kind}\"; expected one of {string.Join(", ", Kinds)}.",
                    nameof(kind));
        }
    }

    private static (IComputeDevice?, string) OpenCuda()
    {
        var backend = CudaBackend.Instance;
        if (!backend.IsAvailable) return (null, backend.Status);
        if (Nvrtc.TryGet(out var nvrtcReason) is null)
            return (null, $"CUDA device found but no NVRTC to compile kernels: {nvrtcReason}");
        try
        {
            var device = new CudaComputeDevice(backend.Device(0));
            return (device, device.Name);
        }
        catch (CudaException e)
        {
            return (null, $"CUDA device unusable: {e.Message}");
        }
    }
}

namespace Qail.Engine;

/// <summary>
/// A device backend (CUDA, OpenCL): owns device storage and moves bytes to and from the host.
/// Backends live in their own assemblies and register themselves with <see cref="Backends"/>.
/// </summary>
public interface IBackend
{
    /// <summary>The device kind this backend serves.</summary>
    DeviceKind Kind { get; }

    /// <summary>True when a driver and at least one device were found.</summary>
    bool IsAvailable { get; }

    /// <summary>Why the backend is unavailable (no library, no device), or a description of the device.</summary>
    string Status { get; }

    /// <summary>Allocates zero-filled storage on device <paramref name="index"/>.</summary>
    Storage Allocate(DType dtype, long length, int index);

    /// <summary>Copies a whole host buffer into device storage of the same dtype and length.</summary>
    void Upload(CpuStorage source, Storage destination);

    /// <summary>Copies whole device storage into a host buffer of the same dtype and length.</summary>
    void Download(Storage source, CpuStorage destination);
}

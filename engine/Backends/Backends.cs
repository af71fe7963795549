namespace Qail.Engine;

/// <summary>The registry of device backends; the CPU needs none.</summary>
public static class Backends
{
    private static readonly Dictionary<DeviceKind, IBackend> Registered = [];
    private static readonly Lock Gate = new();

    /// <summary>Registers (or replaces) the backend for its device kind.</summary>
    public static void Register(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (backend.Kind == DeviceKind.Cpu)
            throw new ArgumentException("The CPU has no backend to register.", nameof(backend));
        lock (Gate) Registered[backend.Kind] = backend;
    }

    /// <summary>The available backend for <paramref name="kind"/>, or an exception saying why there is none.</summary>
    public static IBackend Get(DeviceKind kind)
    {
        lock (Gate)
        {
            if (!Registered.TryGetValue(kind, out var backend))
                throw new InvalidOperationException(
                    $"No {kind} backend is registered; reference and initialise its assembly first.");
            if (!backend.IsAvailable)
                throw new InvalidOperationException($"The {kind} backend is unavailable: {backend.Status}");
            return backend;
        }
    }
}

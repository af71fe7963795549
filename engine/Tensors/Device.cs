namespace Qail.Engine;

/// <summary>Kinds of device a tensor's storage can live on.</summary>
public enum DeviceKind : byte
{
    Cpu,
    Cuda,
    OpenCl,
}

/// <summary>Where a tensor's storage lives: a device kind and an index among devices of that kind.</summary>
public readonly record struct Device(DeviceKind Kind, int Index = 0)
{
    /// <summary>The host CPU.</summary>
    public static Device Cpu => new(DeviceKind.Cpu);

    public override string ToString() =>
        Kind == DeviceKind.Cpu ? "cpu" : $"{Kind.ToString().ToLowerInvariant()}:{Index}";
}

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>A contiguous copy on <paramref name="device"/> (this tensor when already there).</summary>
    public Tensor To(Device device)
    {
        if (device == Device) return this;
        if (device.Kind == DeviceKind.Cpu)
        {
            var host = CpuStorage.Allocate(DType, ElementCount);
            Backends.Get(Device.Kind).Download(Storage, host);
            return new Tensor(host, _shape);
        }
        if (Device.Kind != DeviceKind.Cpu) return To(Device.Cpu).To(device);
        var source = Contiguous();
        if (source.Offset != 0 || source.Storage.Length != ElementCount) source = source.Clone();
        var backend = Backends.Get(device.Kind);
        var storage = backend.Allocate(DType, ElementCount, device.Index);
        backend.Upload(source.HostStorage(nameof(To)), storage);
        return new Tensor(storage, _shape);
    }
}

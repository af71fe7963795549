using System.Runtime.CompilerServices;
using Qail.DeviceCheck;

namespace Qail.Kernels.Cuda.Tests;

internal static class RegisterDeviceCheckKernels
{
    /// <summary>The device check's kernel sources (embedded in this test assembly too) launch by file name.</summary>
    [ModuleInitializer]
    internal static void Register() => DeviceCheckKernels.Register();
}

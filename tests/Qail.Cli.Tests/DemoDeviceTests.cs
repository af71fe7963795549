using Qail.Kernels.Cuda;

namespace Qail.Cli.Tests;

/// <summary>
/// `qail demo --device`: the deployed policies are also timed on the device, and a missing device stops the demo before
/// any work.
/// </summary>
public sealed class DemoDeviceTests
{
    [SkippableFact]
    public void Demo_TimesTheDeployedPoliciesOnOpenCl()
    {
        Skip.If(ComputeDevices.TryGet("opencl", out var reason) is null, $"OpenCL unavailable: {reason}");
        var folder = Directory.CreateTempSubdirectory("qail-demo-device-").FullName;
        try
        {
            QailRun.Of("demo", "--demos", "2", "--epochs", "1", "--fine-tune-epochs", "1", "--episodes", "1",
                "--methods", "Ptq",
                "--device", "opencl", "--report", folder).Succeeded();
            var report = File.ReadAllText(Path.Combine(folder, "README.md"));
            Assert.Contains("The same deployed policies on OpenCL", report);
            Assert.Contains("| FP32 |",
                report[report.IndexOf("The same deployed policies", StringComparison.Ordinal)..]);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public void Demo_WithAMissingDeviceFailsBeforeTraining()
    {
        Skip.If(ComputeDevices.TryGet("cuda", out _) is not null, "this machine has a CUDA device");
        var started = DateTime.UtcNow;
        QailRun.Of("demo", "--device", "cuda", "--report", Path.Combine(Path.GetTempPath(),
            "qail-never-written")).FailedWith("--device cuda", "no usable device");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20),
            "the demo trained before finding the device missing");
    }
}

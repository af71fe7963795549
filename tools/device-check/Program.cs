using System.Diagnostics;
using Qail.DeviceCheck;
using Qail.Kernels.Cuda;

// Exit codes: 0 all checks passed; 1 a check failed; 2 no CUDA driver or device; 3 no NVRTC; 64 bad arguments.
// --compile-only compiles every kernel source with NVRTC for sm_80 and sm_90 and needs no GPU.
// --opencl runs the deployed-policy part on the first OpenCL device instead (PoCL on a CPU: checks the AOT build);
// --policies-only skips the kernel checks and GEMV timings (a quick rerun of the policy part on the GPU).
var runs = 200;
var policyIterations = 1000;
var compileOnly = false;
var openCl = false;
var policiesOnly = false;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--compile-only") compileOnly = true;
    else if (args[i] == "--opencl") openCl = true;
    else if (args[i] == "--policies-only") policiesOnly = true;
    else if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[++i], out var r) && r > 0) runs = r;
    else if (args[i] == "--policy-iterations" && i + 1 < args.Length && int.TryParse(args[++i], out var p) && p > 0)
        policyIterations = p;
    else
    {
        Console.Error.WriteLine($"bad argument '{args[i]}'; usage: device-check [--runs N] [--policy-iterations N] "
            + "[--compile-only] [--opencl] [--policies-only]");
        return 64;
    }
}
DeviceCheckKernels.Register();
Console.WriteLine("qail device-check: CUDA kernels vs CPU reference, W4A16 / fp16 GEMV timings, deployed policies on "
    + "the GPU vs the CPU runtime");
if (compileOnly)
{
    var compiler = Nvrtc.TryGet(out var why);
    Console.WriteLine(why);
    if (compiler is null) return 3;
    foreach (var file in KernelSource.CudaFiles.Concat(DeviceCheckKernels.Files))
        foreach (var arch in new[] { 80, 90 }.Where(a => compiler.SupportedArchitectures().Contains(a)))
            Console.WriteLine($"{file,-20} sm_{arch}: "
                + $"{compiler.CompileToPtx(KernelSource.Cuda(file), file, arch, []).Length,8} bytes of PTX");
    return 0;
}
if (openCl)
{
    var openClDevice = ComputeDevices.TryGet("opencl", out var why);
    Console.WriteLine(why);
    if (openClDevice is null) return 2;
    return PolicySection(openClDevice, policyIterations) == 0 ? 0 : 1;
}
var backend = CudaBackend.Instance;
if (!backend.IsAvailable)
{
    Console.WriteLine($"CUDA unavailable: {backend.Status}");
    return 2;
}
var nvrtc = Nvrtc.TryGet(out var nvrtcStatus);
Console.WriteLine(backend.Status);
if (nvrtc is null)
{
    Console.WriteLine($"cannot compile kernels: {nvrtcStatus}");
    return 3;
}
var device = backend.Device(0);
Console.WriteLine($"device 0: {device.Name}, sm_{device.ComputeCapability}, {device.Multiprocessors} SMs, "
    + $"{device.TotalMemory / (1 << 20)} MiB; NVRTC {nvrtc.Version} targets up to sm_"
    + $"{nvrtc.SupportedArchitectures().Max()}");
var clock = Stopwatch.StartNew();
device.LoadModules(KernelSource.CudaFiles.Concat(DeviceCheckKernels.Files));
Console.WriteLine($"compiled and loaded {KernelSource.CudaFiles.Count + DeviceCheckKernels.Files.Count} modules in "
    + $"{clock.Elapsed.TotalSeconds:F1} s (PTX cache: {PtxCache.Directory})");

var failed = policiesOnly ? 0 : KernelSection(device, runs);
using (var compute = new CudaComputeDevice(device)) failed += PolicySection(compute, policyIterations);
device.Dispose();
return failed == 0 ? 0 : 1;

static int KernelSection(CudaDevice device, int runs)
{
    Console.WriteLine();
    Console.WriteLine("== property checks (seed 20261126) ==");
    var results = KernelChecks.RunAll(device, 20261126, Console.WriteLine);
    var failed = results.Count(c => !c.Passed);
    Console.WriteLine($"{results.Count - failed}/{results.Count} checks passed");
    Console.WriteLine();
    Console.WriteLine($"== timings: CUDA events, median of {runs} runs ==");
    try
    {
        GemvTimings(device, runs);
    }
    catch (CudaException e)
    {
        // The policy section still runs (unless the fault poisoned the context, which its own errors then say).
        Console.WriteLine($"FAILED GEMV timings: {e.Message}");
        failed++;
    }
    return failed;
}

static void GemvTimings(CudaDevice device, int runs)
{
    using var timer = new GpuTimer(device);
    var copy = GemvBenchmark.CopyBandwidth(device, timer, Math.Max(5, runs / 10));
    Console.WriteLine($"device-to-device copy bandwidth: {copy:F0} GB/s (read + write)");
    Console.WriteLine($"{"N x K",-14}{"batch",6}{"W4A16 us",11}{"fp16 us",10}{"speedup",9}{"W4A16 GB/s",12}"
        + $"{"% copy BW",11}{"fp16 GB/s",11}");
    foreach (var (n, k) in new[] { (4096, 4096), (4096, 11008), (11008, 4096) })
        foreach (var batch in new[] { 1, 8 })
        {
            var t = GemvBenchmark.Run(device, timer, n, k, batch, runs, seed: n + k + batch);
            Console.WriteLine($"{$"{n} x {k}",-14}{batch,6}{t.W4A16Ms * 1000,11:F1}{t.Fp16Ms * 1000,10:F1}"
                + $"{t.Fp16Ms / t.W4A16Ms,8:F2}x{t.W4A16GBps,12:F0}{100 * t.W4A16GBps / copy,10:F0}%"
                + $"{t.Fp16GBps,11:F0}");
        }
    Console.WriteLine("targets: W4A16 >= 3x fp16 at batch 1; W4A16 >= 60% of copy bandwidth");
}

static int PolicySection(IComputeDevice device, int iterations)
{
    Console.WriteLine();
    Console.WriteLine($"== deployed policies, batch 1 on {device.Name} vs the CPU runtime ("
        + $"{Environment.ProcessorCount} cores): median of {iterations} actions ==");
    var results = DeployedPolicyCheck.Run(device, iterations, Console.WriteLine);
    foreach (var result in results.Where(r => !r.Passed)) Console.WriteLine($"FAILED {result.Name}: {result.Detail}");
    Console.WriteLine($"{results.Count(r => r.Passed)}/{results.Count} policy checks passed");
    return results.Count(r => !r.Passed);
}

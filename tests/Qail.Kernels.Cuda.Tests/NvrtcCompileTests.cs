using System.Text;
using Qail.DeviceCheck;
using Qail.Kernels.Cuda;

namespace Qail.Kernels.Cuda.Tests;

/// <summary>
/// Every embedded .cu source (the product's and the device check's) compiles to PTX with NVRTC (CUDA 11.8's
/// libnvrtc11.2 in CI), so a syntax error fails without a GPU. Skips when NVRTC is not installed.
/// </summary>
public sealed class NvrtcCompileTests
{
    public static TheoryData<string, int> Sources()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in KernelSource.CudaFiles.Concat(DeviceCheckKernels.Files))
            foreach (var arch in new[] { 80, 90 })
                data.Add(file, arch);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Sources))]
    public void SourceCompilesToPtx(string file, int architecture)
    {
        var nvrtc = Nvrtc.TryGet(out var reason);
        Skip.If(nvrtc is null, reason);
        Skip.IfNot(nvrtc!.SupportedArchitectures().Contains(architecture), $"{reason} cannot target sm_{architecture}");
        var ptx = Encoding.ASCII.GetString(nvrtc.CompileToPtx(KernelSource.Cuda(file), file, architecture, []));
        Assert.Contains($".target sm_{architecture}", ptx);
        // An undefined device function (e.g. an intrinsic whose body lives in a toolkit header NVRTC lacks) compiles
        // to an extern declaration and only fails when the driver loads the module.
        Assert.DoesNotContain(".extern .func", ptx);
        foreach (var kernel in EntryPoints(KernelSource.Read(file)))
            Assert.Contains($".entry {kernel}(", ptx);
    }

    [SkippableFact]
    public void GemmsUseTensorCoreMmaOnAmpere()
    {
        var nvrtc = Nvrtc.TryGet(out var reason);
        Skip.If(nvrtc is null, reason);
        Assert.Contains("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32",
            Encoding.ASCII.GetString(PtxCache.Get(nvrtc!, "int8_gemm.cu", 80)));
        Assert.Contains("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32",
            Encoding.ASCII.GetString(PtxCache.Get(nvrtc!, "w4a16_gemm.cu", 80)));
    }

    [SkippableFact]
    public void PolicyInt8LayersUseDp4aAndNoFmaContractionInExactOps()
    {
        var nvrtc = Nvrtc.TryGet(out var reason);
        Skip.If(nvrtc is null, reason);
        var ptx = Encoding.ASCII.GetString(PtxCache.Get(nvrtc!, KernelSource.PolicyFile, 80));
        Assert.Contains("dp4a.s32.s32", ptx);
        // The int8 epilogue (float(acc) * scale + bias) must round twice, as the CPU's does: no fma in that kernel.
        var entry = ptx.IndexOf(".entry pol_linear_int8_group(", StringComparison.Ordinal);
        int next = ptx.IndexOf(".entry ", entry + 1, StringComparison.Ordinal);
        var body = ptx[entry..(next > 0 ? next : ptx.Length)];
        Assert.DoesNotContain("fma.rn.f32", body);
    }

    [SkippableFact]
    public void PtxIsCachedOnDiskUnderTheSourceHash()
    {
        var nvrtc = Nvrtc.TryGet(out var reason);
        Skip.If(nvrtc is null, reason);
        var ptx = PtxCache.Get(nvrtc!, "conv.cu", 80);
        var files = Directory.GetFiles(PtxCache.Directory, "conv-sm_80-*.ptx");
        Assert.Contains(files, f => File.ReadAllBytes(f).AsSpan().SequenceEqual(ptx));
        Assert.Same(ptx, PtxCache.Get(nvrtc!, "conv.cu", 80));
    }

    [SkippableFact]
    public void CompileErrorNamesTheFileAndCarriesTheLog()
    {
        var nvrtc = Nvrtc.TryGet(out var reason);
        Skip.If(nvrtc is null, reason);
        var e = Assert.Throws<CudaException>(() =>
            nvrtc!.CompileToPtx("extern \"C\" __global__ void k() { undeclared(); }", "broken.cu", 80, []));
        Assert.Contains("broken.cu", e.Message);
        Assert.Contains("undeclared", e.Message);
    }

    private static IEnumerable<string> EntryPoints(string source)
    {
        foreach (var marker in new[] { "KERNEL void ", "extern \"C\" __global__ void " })
        {
            var at = 0;
            while ((at = source.IndexOf(marker, at, StringComparison.Ordinal)) >= 0)
            {
                at += marker.Length;
                yield return source[at..source.IndexOf('(', at)];
            }
        }
    }
}

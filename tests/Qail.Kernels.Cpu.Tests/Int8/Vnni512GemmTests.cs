using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
using System.Runtime.InteropServices;
using Qail.Kernels.Cpu.MachineCode;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Int8;

/// <summary>
/// The generated 512-bit VNNI int8 kernels: bit for bit against the scalar reference over random shapes (GEMV rows,
/// partial row groups and panel groups, odd K, the row block, two threads), and the cap that turns them off.
/// Skipped where the CPU lacks AVX-512 VNNI or the OS refuses executable memory.
/// </summary>
public sealed class Vnni512GemmTests
{
    private const string NoVnni512 =
        "the CPU has no AVX-512 VNNI (CPUID 7.0 ECX bit 11) or the OS refused executable memory";

    private static void Check(Property property, int maxTest, ulong seed) =>
        property.Check(Config.QuickThrowOnFailure.WithMaxTest(maxTest).WithQuietOnSuccess(true)
            .WithReplay(FSharpOption<Replay>.Some(
                new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None))));

    private static void AssertEqualsReference(int seed, int m, int n, int k, int threads)
    {
        var r = new Random(seed);
        var w = Weights(r, n * k);
        int[] zw = r.Next(3) switch
        {
            0 => [],
            1 => [r.Next(-128, 128)],
            _ => Enumerable.Range(0, n).Select(_ => r.Next(-128, 128)).ToArray(),
        };
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        var expected = new int[m * n];
        var actual = new int[m * n];
        Action run;
        if (r.Next(2) == 0)
        {
            var a = Bytes(r, m * k);
            var za = r.Next(256);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            run = () => Int8Gemm.Multiply(a, m, za, packed, actual);
        }
        else
        {
            var a = SBytes(r, m * k);
            var za = r.Next(-128, 128);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            run = () => Int8Gemm.Multiply(a, m, za, packed, actual);
        }
        KernelThreads.With(threads, () => KernelDispatch.With(InstructionSet.Vnni512, run));
        AssertSame(expected, actual, $"Vnni512 m={m} n={n} k={k} threads={threads} seed={seed}");
    }

    /// <summary>
    /// Shapes around the tile edges: rows 1..20 (GEMV, partial 8-row groups), outputs 1..110 (partial panels, 3-panel
    /// groups), K 1..300 and small or odd K.
    /// </summary>
    [SkippableFact]
    public void EqualsReferenceOverRandomShapes()
    {
        Skip.IfNot(Vnni512MicroKernels.IsAvailable, NoVnni512);
        var shapes = from seed in Gen.Choose(0, int.MaxValue)
                     from m in Gen.Choose(1, 20)
                     from n in Gen.Choose(1, 110)
                     from k in Gen.OneOf(Gen.Choose(1, 300), Gen.Elements(1, 2, 3, 4, 5, 63, 64, 65, 255))
                     select (seed, m, n, k);
        Check(Prop.ForAll(shapes.ToArbitrary(), s => AssertEqualsReference(s.seed, s.m, s.n, s.k, 1)), 80, 1507);
    }

    /// <summary>Many rows past the 128-row block, split over two threads by (row block, panel group) tiles.</summary>
    [SkippableFact]
    public void BlockedAndThreadedEqualsReference()
    {
        Skip.IfNot(Vnni512MicroKernels.IsAvailable, NoVnni512);
        var shapes = from seed in Gen.Choose(0, int.MaxValue)
                     from m in Gen.Choose(121, 300)
                     from n in Gen.Choose(1, 100)
                     from k in Gen.Choose(1, 200)
                     select (seed, m, n, k);
        Check(Prop.ForAll(shapes.ToArbitrary(), s => AssertEqualsReference(s.seed, s.m, s.n, s.k, 2)), 8, 1512);
    }

    /// <summary>The generated code reads the call's fields at fixed offsets, which must match the layout.</summary>
    [Fact]
    public void CallLayoutMatchesTheGeneratedOffsets()
    {
        static int At(string field) => (int)Marshal.OffsetOf<Vnni512MicroKernels.Call>(field);
        Assert.Equal(Vnni512MicroKernels.ActivationsAt, At(nameof(Vnni512MicroKernels.Call.A)));
        Assert.Equal(Vnni512MicroKernels.PanelAt, At(nameof(Vnni512MicroKernels.Call.Panel)));
        Assert.Equal(Vnni512MicroKernels.PanelStrideAt, At(nameof(Vnni512MicroKernels.Call.PanelStride)));
        Assert.Equal(Vnni512MicroKernels.IterationsAt, At(nameof(Vnni512MicroKernels.Call.Iterations)));
        Assert.Equal(Vnni512MicroKernels.TailAt, At(nameof(Vnni512MicroKernels.Call.Tail)));
        Assert.Equal(Vnni512MicroKernels.ResultsAt, At(nameof(Vnni512MicroKernels.Call.T)));
        Assert.Equal(Vnni512MicroKernels.RowStrideAt, At(nameof(Vnni512MicroKernels.Call.RowStride)));
        Assert.Equal(Vnni512MicroKernels.ColumnTermsAt, At(nameof(Vnni512MicroKernels.Call.ColumnTerms)));
        Assert.Equal(Vnni512MicroKernels.ZeroPointsAt, At(nameof(Vnni512MicroKernels.Call.ZeroPoints)));
        Assert.Equal(Vnni512MicroKernels.RowTermsAt, At(nameof(Vnni512MicroKernels.Call.RowTerms)));
        Assert.Equal(Vnni512MicroKernels.SavedXmmAt, At(nameof(Vnni512MicroKernels.Call.SavedXmm)));
    }

    /// <summary>The default cap reaches the generated kernels where they exist; lower caps turn them off.</summary>
    [SkippableFact]
    public void CapSelectsGeneratedKernelsOnlyAtVnni512()
    {
        Skip.IfNot(Vnni512MicroKernels.IsAvailable, NoVnni512);
        Assert.True(X64Features.HasAvx512Vnni);
        Assert.Equal(InstructionSet.Vnni512, KernelDispatch.Detected);
        foreach (var isa in Enum.GetValues<InstructionSet>())
            Assert.Equal(isa == InstructionSet.Vnni512, Int8KernelTable.For(isa).Generated);
        KernelDispatch.With(InstructionSet.NativeExtended,
            () => Assert.DoesNotContain("generated", KernelDispatch.Describe()));
    }
}

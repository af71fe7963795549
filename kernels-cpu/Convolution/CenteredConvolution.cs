using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Integer convolution over an NHWC map of centered activation codes (a - aZero as int16, the zero-padding border
/// already in the map as zeros): for each output pixel, its patch (kernel rows of kernel * channels contiguous values)
/// is copied into a small buffer and multiplied against <see cref="CenteredConvolutionWeights"/> by multiply-adds of
/// adjacent int16 pairs, giving acc[pixel, n] = sum_k (a_k - aZero) (w_nk - wZero[n]) exactly in int32: the value an
/// int8 GEMM over the im2col of the codes computes, without a float im2col or zero-point corrections. AVX-512BW and
/// AVX2 paths; every path returns <see cref="CenteredConvolutionReference"/>'s bits (integer sums cannot round).
/// Allocates nothing: the patch buffer is on the stack.
/// </summary>
public static class CenteredConvolution
{
    /// <summary>Longest patch the stack buffer takes.</summary>
    public const int MaxStackPatch = 8192;

    /// <summary>
    /// acc[oy * outW + ox, n] for a map padded to [paddedHeight, paddedWidth, channels] (the caller writes the border),
    /// a square kernel and stride; output size (padded - kernel) / stride + 1 per side.
    /// </summary>
    public static void Run(ReadOnlySpan<short> map, int paddedHeight, int paddedWidth, int channels, int kernel, int stride,
        CenteredConvolutionWeights weights, Span<int> acc)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var (outH, outW) = CenteredConvolutionReference.Check(map.Length, paddedHeight, paddedWidth, channels, kernel, stride, weights, acc.Length);
        if (weights.PaddedPatch > MaxStackPatch)
            throw new ArgumentException($"CenteredConvolution: patch {weights.Patch} exceeds the {MaxStackPatch} values the kernel buffers.", nameof(weights));
        var isa = KernelDispatch.Active;
        Span<short> patch = stackalloc short[weights.PaddedPatch];
        patch.Clear();
        int run = kernel * channels, n = weights.Outputs;
        for (int oy = 0; oy < outH; oy++)
            for (int ox = 0; ox < outW; ox++)
            {
                for (int ky = 0; ky < kernel; ky++)
                    map.Slice(((oy * stride + ky) * paddedWidth + ox * stride) * channels, run).CopyTo(patch.Slice(ky * run, run));
                var output = acc.Slice((oy * outW + ox) * n, n);
                if (isa >= InstructionSet.Avx512 && Avx512BW.IsSupported) Dot512(patch, weights, output);
                else if (isa >= InstructionSet.Avx2 && Avx2.IsSupported) Dot256(patch, weights, output);
                else CenteredConvolutionReference.Dot(patch, weights, output);
            }
    }

    private static void Dot512(ReadOnlySpan<short> patch, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, stride = weights.PaddedOutputs * 2, n = weights.Outputs;
        ref int patchPairs = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(patch));
        ref short packed = ref MemoryMarshal.GetArrayDataReference(weights.Pairs);
        Span<int> lanes = stackalloc int[CenteredConvolutionWeights.Block];
        for (int block = 0; block < n; block += CenteredConvolutionWeights.Block)
        {
            var sum = Vector512<int>.Zero;
            ref short column = ref Unsafe.Add(ref packed, block * 2);
            for (int p = 0; p < pairs; p++)
            {
                var a = Vector512.Create(Unsafe.Add(ref patchPairs, p)).AsInt16();
                var w = Vector512.LoadUnsafe(ref Unsafe.Add(ref column, (nint)p * stride));
                sum += Avx512BW.MultiplyAddAdjacent(a, w);
            }
            Store(sum, lanes, output, block);
        }
    }

    private static void Dot256(ReadOnlySpan<short> patch, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, stride = weights.PaddedOutputs * 2, n = weights.Outputs;
        ref int patchPairs = ref Unsafe.As<short, int>(ref MemoryMarshal.GetReference(patch));
        ref short packed = ref MemoryMarshal.GetArrayDataReference(weights.Pairs);
        Span<int> lanes = stackalloc int[CenteredConvolutionWeights.Block];
        for (int block = 0; block < n; block += CenteredConvolutionWeights.Block)
        {
            Vector256<int> low = Vector256<int>.Zero, high = Vector256<int>.Zero;
            ref short column = ref Unsafe.Add(ref packed, block * 2);
            for (int p = 0; p < pairs; p++)
            {
                var a = Vector256.Create(Unsafe.Add(ref patchPairs, p)).AsInt16();
                ref short w = ref Unsafe.Add(ref column, (nint)p * stride);
                low += Avx2.MultiplyAddAdjacent(a, Vector256.LoadUnsafe(ref w));
                high += Avx2.MultiplyAddAdjacent(a, Vector256.LoadUnsafe(ref w, 16));
            }
            Store(Vector512.Create(low, high), lanes, output, block);
        }
    }

    // The block's first min(16, N - block) sums; the padded outputs' lanes are zero and dropped.
    private static void Store(Vector512<int> sum, Span<int> lanes, Span<int> output, int block)
    {
        int count = Math.Min(CenteredConvolutionWeights.Block, output.Length - block);
        if (count == CenteredConvolutionWeights.Block) sum.CopyTo(output.Slice(block, count));
        else
        {
            sum.CopyTo(lanes);
            lanes[..count].CopyTo(output.Slice(block, count));
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Integer convolution over an NHWC map of centered activation codes (a - aZero as int16, the zero-padding border
/// already in the map as zeros): for each output pixel, its patch (kernel rows of kernel * channels contiguous values)
/// is copied into a small buffer, and four pixels at a time are multiplied against
/// <see cref="CenteredConvolutionWeights"/> by multiply-adds of adjacent int16 pairs (each weight vector loaded once
/// for the four), giving acc[pixel, n] = sum_k (a_k - aZero) (w_nk - wZero[n]) exactly in int32: the value an int8
/// GEMM over the im2col of the codes computes, without a float im2col or zero-point corrections. AVX-512BW and AVX2
/// paths (256-bit where 8 outputs or fewer leave half a 512-bit vector idle), ARM64 NEON and portable Vector128
/// paths (<see cref="CenteredConvolution128"/>); every path returns
/// <see cref="CenteredConvolutionReference"/>'s bits (integer sums cannot round). Allocates nothing: the patch buffers
/// are on the stack.
/// </summary>
public static unsafe class CenteredConvolution
{
    /// <summary>Longest patch the stack buffers take.</summary>
    public const int MaxStackPatch = 2048;

    // Output pixels computed together: each weight vector loaded once serves this many patches.
    private const int Pixels = 4;

    /// <summary>
    /// acc[oy * outW + ox, n] for a map padded to [paddedHeight, paddedWidth, channels] (the caller writes the border),
    /// a square kernel and stride; output size (padded - kernel) / stride + 1 per side.
    /// </summary>
    public static void Run(ReadOnlySpan<short> map, int paddedHeight, int paddedWidth, int channels, int kernel,
        int stride,
        CenteredConvolutionWeights weights, Span<int> acc)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var (outH, outW) = CenteredConvolutionReference.Check(map.Length, paddedHeight, paddedWidth, channels, kernel,
            stride, weights, acc.Length);
        if (weights.PaddedPatch > MaxStackPatch)
            throw new ArgumentException($"CenteredConvolution: patch {weights.Patch} exceeds the {MaxStackPatch} "
                + "values the kernel buffers.", nameof(weights));
        var path = KernelTable.Active.Convolution;
        int padded = weights.PaddedPatch, run = kernel * channels, n = weights.Outputs, pixels = outH * outW;
        Span<short> patches = stackalloc short[Pixels * padded];
        patches.Clear();
        fixed (short* source = map)
        fixed (short* buffer = patches)
            for (int first = 0; first < pixels; first += Pixels)
            {
                int count = Math.Min(Pixels, pixels - first);
                // Each patch is `kernel` contiguous runs of the map (kernel * channels values each).
                for (int j = 0; j < count; j++)
                {
                    int oy = (first + j) / outW, ox = (first + j) % outW;
                    short* patch = buffer + j * padded;
                    for (int ky = 0; ky < kernel; ky++)
                        Unsafe.CopyBlockUnaligned(patch + ky * run,
                            source + ((oy * stride + ky) * paddedWidth + ox * stride) * channels,
                            (uint)(run * sizeof(short)));
                }
                var output = acc.Slice(first * n, count * n);
                bool wide = n > CenteredConvolutionWeights.Block / 2;
                if (count == Pixels && path == ConvolutionPath.Avx512 && wide) Dot512(patches, weights, output);
                else if (count == Pixels && path >= ConvolutionPath.Avx2) Dot256(patches, weights, output);
                else if (count == Pixels && path == ConvolutionPath.Neon)
                    CenteredConvolution128.Neon(patches, weights, output);
                else if (count == Pixels && path == ConvolutionPath.Portable)
                    CenteredConvolution128.Portable(patches, weights, output);
                else
                    for (int j = 0; j < count; j++)
                        CenteredConvolutionReference.Dot(patches.Slice(j * padded, padded), weights,
                            output.Slice(j * n, n));
            }
    }

    // Four pixels' patches against each 16-output block: one weight load, four multiply-adds per column pair.
    // Pointers, not refs: the JIT keeps the four sums and the patch pointers in registers across the loop.
    private static unsafe void Dot512(ReadOnlySpan<short> patches, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, n = weights.Outputs;
        nint stride = weights.PaddedOutputs * 2;
        fixed (short* patch = patches)
        fixed (short* packed = weights.Pairs)
        fixed (int* result = output)
        {
            int* p0 = (int*)patch, p1 = p0 + pairs, p2 = p1 + pairs, p3 = p2 + pairs;
            for (int block = 0; block < n; block += Vector512<int>.Count)
            {
                var s0 = Vector512<int>.Zero;
                var s1 = Vector512<int>.Zero;
                var s2 = Vector512<int>.Zero;
                var s3 = Vector512<int>.Zero;
                short* column = packed + block * 2;
                for (int p = 0; p < pairs; p++, column += stride)
                {
                    var w = Vector512.Load(column);
                    s0 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(p0[p]).AsInt16(), w);
                    s1 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(p1[p]).AsInt16(), w);
                    s2 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(p2[p]).AsInt16(), w);
                    s3 += Avx512BW.MultiplyAddAdjacent(Vector512.Create(p3[p]).AsInt16(), w);
                }
                int count = Math.Min(Vector512<int>.Count, n - block);
                Store(s0, result + block, count);
                Store(s1, result + n + block, count);
                Store(s2, result + 2 * n + block, count);
                Store(s3, result + 3 * n + block, count);
            }
        }
    }

    // The same with 256-bit vectors: 8 outputs per half-block.
    private static unsafe void Dot256(ReadOnlySpan<short> patches, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, n = weights.Outputs;
        nint stride = weights.PaddedOutputs * 2;
        fixed (short* patch = patches)
        fixed (short* packed = weights.Pairs)
        fixed (int* result = output)
        {
            int* p0 = (int*)patch, p1 = p0 + pairs, p2 = p1 + pairs, p3 = p2 + pairs;
            for (int half = 0; half < n; half += Vector256<int>.Count)
            {
                var s0 = Vector256<int>.Zero;
                var s1 = Vector256<int>.Zero;
                var s2 = Vector256<int>.Zero;
                var s3 = Vector256<int>.Zero;
                short* column = packed + half * 2;
                for (int p = 0; p < pairs; p++, column += stride)
                {
                    var w = Vector256.Load(column);
                    s0 += Avx2.MultiplyAddAdjacent(Vector256.Create(p0[p]).AsInt16(), w);
                    s1 += Avx2.MultiplyAddAdjacent(Vector256.Create(p1[p]).AsInt16(), w);
                    s2 += Avx2.MultiplyAddAdjacent(Vector256.Create(p2[p]).AsInt16(), w);
                    s3 += Avx2.MultiplyAddAdjacent(Vector256.Create(p3[p]).AsInt16(), w);
                }
                int count = Math.Min(Vector256<int>.Count, n - half);
                Store(s0, result + half, count);
                Store(s1, result + n + half, count);
                Store(s2, result + 2 * n + half, count);
                Store(s3, result + 3 * n + half, count);
            }
        }
    }

    // The sums of the outputs that exist; the padded outputs' lanes are zero and dropped.
    private static unsafe void Store(Vector512<int> sum, int* destination, int count)
    {
        if (count == Vector512<int>.Count) sum.Store(destination);
        else
            for (int i = 0; i < count; i++) destination[i] = sum.GetElement(i);
    }

    private static unsafe void Store(Vector256<int> sum, int* destination, int count)
    {
        if (count == Vector256<int>.Count) sum.Store(destination);
        else
            for (int i = 0; i < count; i++) destination[i] = sum.GetElement(i);
    }
}

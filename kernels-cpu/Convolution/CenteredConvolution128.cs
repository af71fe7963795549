using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The 128-bit paths of <see cref="CenteredConvolution"/>: four pixels' patches against each group of outputs of the
/// packed pairs [K/2][N][2]. ARM64 NEON widens and accumulates int16 products with smlal/smlal2 (one weight load for
/// the four pixels) and adds each output's two column sums once at the end (addp); the portable Vector128 path widens
/// to int32 and multiplies. The dot-product extension (sdot) does not apply: centered codes span +-255, nine bits.
/// Integer sums wrap identically in any order, so both return <see cref="CenteredConvolutionReference"/>'s bits.
/// </summary>
internal static unsafe class CenteredConvolution128
{
    /// <summary>Output channels one NEON pass computes: two vectors of 4 outputs x 2 patch columns.</summary>
    private const int NeonOutputs = 8;

    /// <summary>Output channels one portable pass computes: one vector of 4 outputs x 2 patch columns.</summary>
    private const int PortableOutputs = 4;

    /// <summary>Four pixels' padded patches (consecutive) times the weights into output[pixel, n].</summary>
    public static void Neon(ReadOnlySpan<short> patches, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, n = weights.Outputs;
        nint stride = weights.PaddedOutputs * 2;
        fixed (short* patch = patches)
        fixed (short* packed = weights.Pairs)
        fixed (int* result = output)
        {
            int* p0 = (int*)patch, p1 = p0 + pairs, p2 = p1 + pairs, p3 = p2 + pairs;
            // PaddedOutputs is a multiple of 16, so every 8-output group lies inside the packed rows.
            for (int block = 0; block < n; block += NeonOutputs)
            {
                Vector128<int> e0 = default, f0 = default, g0 = default, h0 = default;
                Vector128<int> e1 = default, f1 = default, g1 = default, h1 = default;
                Vector128<int> e2 = default, f2 = default, g2 = default, h2 = default;
                Vector128<int> e3 = default, f3 = default, g3 = default, h3 = default;
                short* column = packed + block * 2;
                for (int p = 0; p < pairs; p++, column += stride)
                {
                    // w = outputs block..+3 and block+4..+7, each as (column 2p, column 2p + 1).
                    var w = AdvSimd.LoadVector128(column);
                    var v = AdvSimd.LoadVector128(column + 8);
                    var (wl, vl) = (w.GetLower(), v.GetLower());
                    var x0 = Vector128.Create(p0[p]).AsInt16();
                    e0 = AdvSimd.MultiplyWideningLowerAndAdd(e0, wl, x0.GetLower());
                    f0 = AdvSimd.MultiplyWideningUpperAndAdd(f0, w, x0);
                    g0 = AdvSimd.MultiplyWideningLowerAndAdd(g0, vl, x0.GetLower());
                    h0 = AdvSimd.MultiplyWideningUpperAndAdd(h0, v, x0);
                    var x1 = Vector128.Create(p1[p]).AsInt16();
                    e1 = AdvSimd.MultiplyWideningLowerAndAdd(e1, wl, x1.GetLower());
                    f1 = AdvSimd.MultiplyWideningUpperAndAdd(f1, w, x1);
                    g1 = AdvSimd.MultiplyWideningLowerAndAdd(g1, vl, x1.GetLower());
                    h1 = AdvSimd.MultiplyWideningUpperAndAdd(h1, v, x1);
                    var x2 = Vector128.Create(p2[p]).AsInt16();
                    e2 = AdvSimd.MultiplyWideningLowerAndAdd(e2, wl, x2.GetLower());
                    f2 = AdvSimd.MultiplyWideningUpperAndAdd(f2, w, x2);
                    g2 = AdvSimd.MultiplyWideningLowerAndAdd(g2, vl, x2.GetLower());
                    h2 = AdvSimd.MultiplyWideningUpperAndAdd(h2, v, x2);
                    var x3 = Vector128.Create(p3[p]).AsInt16();
                    e3 = AdvSimd.MultiplyWideningLowerAndAdd(e3, wl, x3.GetLower());
                    f3 = AdvSimd.MultiplyWideningUpperAndAdd(f3, w, x3);
                    g3 = AdvSimd.MultiplyWideningLowerAndAdd(g3, vl, x3.GetLower());
                    h3 = AdvSimd.MultiplyWideningUpperAndAdd(h3, v, x3);
                }
                int count = Math.Min(NeonOutputs, n - block);
                Store(AdvSimd.Arm64.AddPairwise(e0, f0), AdvSimd.Arm64.AddPairwise(g0, h0), result + block, count);
                Store(AdvSimd.Arm64.AddPairwise(e1, f1), AdvSimd.Arm64.AddPairwise(g1, h1), result + n + block, count);
                Store(AdvSimd.Arm64.AddPairwise(e2, f2), AdvSimd.Arm64.AddPairwise(g2, h2), result + 2 * n + block,
                    count);
                Store(AdvSimd.Arm64.AddPairwise(e3, f3), AdvSimd.Arm64.AddPairwise(g3, h3), result + 3 * n + block,
                    count);
            }
        }
    }

    /// <summary>The same on portable Vector128 operations: int16 pairs widened to int32, then multiplied.</summary>
    public static void Portable(ReadOnlySpan<short> patches, CenteredConvolutionWeights weights, Span<int> output)
    {
        int pairs = weights.PaddedPatch / 2, n = weights.Outputs, padded = weights.PaddedPatch;
        nint stride = weights.PaddedOutputs * 2;
        fixed (short* patch = patches)
        fixed (short* packed = weights.Pairs)
        fixed (int* result = output)
        {
            short* a0 = patch, a1 = a0 + padded, a2 = a1 + padded, a3 = a2 + padded;
            for (int block = 0; block < n; block += PortableOutputs)
            {
                // Lanes (output, column): lo = (o0, 2p), (o0, 2p + 1), (o1, 2p), (o1, 2p + 1); hi the same for o2, o3.
                Vector128<int> l0 = default, h0 = default, l1 = default, h1 = default;
                Vector128<int> l2 = default, h2 = default, l3 = default, h3 = default;
                short* column = packed + block * 2;
                for (int p = 0, k = 0; p < pairs; p++, k += 2, column += stride)
                {
                    var (lo, hi) = Vector128.Widen(Vector128.Load(column));
                    var x0 = Vector128.Create(a0[k], a0[k + 1], a0[k], a0[k + 1]);
                    l0 += lo * x0;
                    h0 += hi * x0;
                    var x1 = Vector128.Create(a1[k], a1[k + 1], a1[k], a1[k + 1]);
                    l1 += lo * x1;
                    h1 += hi * x1;
                    var x2 = Vector128.Create(a2[k], a2[k + 1], a2[k], a2[k + 1]);
                    l2 += lo * x2;
                    h2 += hi * x2;
                    var x3 = Vector128.Create(a3[k], a3[k + 1], a3[k], a3[k + 1]);
                    l3 += lo * x3;
                    h3 += hi * x3;
                }
                int count = Math.Min(PortableOutputs, n - block);
                StorePairSums(l0, h0, result + block, count);
                StorePairSums(l1, h1, result + n + block, count);
                StorePairSums(l2, h2, result + 2 * n + block, count);
                StorePairSums(l3, h3, result + 3 * n + block, count);
            }
        }
    }

    // Outputs 0..3 in `low`, 4..7 in `high`; the padded outputs' lanes are zero and dropped.
    private static void Store(Vector128<int> low, Vector128<int> high, int* destination, int count)
    {
        if (count == NeonOutputs)
        {
            low.Store(destination);
            high.Store(destination + 4);
        }
        else
            for (int i = 0; i < count; i++) destination[i] = i < 4 ? low.GetElement(i) : high.GetElement(i - 4);
    }

    // Each output's two column sums sit in adjacent lanes: (o0, o0, o1, o1) in `low`, (o2, o2, o3, o3) in `high`.
    private static void StorePairSums(Vector128<int> low, Vector128<int> high, int* destination, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var half = i < 2 ? low : high;
            int lane = (i & 1) * 2;
            destination[i] = half.GetElement(lane) + half.GetElement(lane + 1);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Inner loops of the int4 integer modes: one weight row against up to 8 quantized activation rows.
/// The float arithmetic is fixed so that every path gives the same bits: each 32-element chunk (low nibbles =
/// elements 0..15, high = 16..31) splits into 8 lanes of 4 consecutive elements; lane l of group g holds the exact
/// integer P[g, l] = sum u*x over its elements (over all chunks of the group), u the unsigned code; then
/// lanes[l] = scaleW[g] * scaleX[g] * (float)P[g, l] + lanes[l] (MultiplyAddEstimate: one fused rounding where the
/// target has FMA, as every SIMD path here does; a multiply and an add on an x64 target without it, the scalar and
/// portable paths alike), groups in order. This is
/// exactly what pmaddubsw+pmaddwd, vpdpbusd and sdot produce per 32-bit lane, so the SIMD paths need no
/// horizontal sums inside the loop. The offset term sum((u - offset) * x) - sum(u*x) is added by the caller.
/// </summary>
internal static unsafe class Int4RowKernels
{
    /// <summary>The row kernel rank <paramref name="isa"/> runs on this machine (its entry of KernelTable).</summary>
    public static delegate*<byte*, float*, int, int, sbyte*, int, float*, int, float*, void> For(InstructionSet isa) =>
        KernelTable.For(isa).Int4Rows;

    /// <summary>
    /// Picks rank <paramref name="isa"/>'s row kernel from the hardware checks (once, for the table).
    /// </summary>
    internal static delegate*<byte*, float*, int, int, sbyte*, int, float*, int, float*,
        void> Choose(InstructionSet isa)
    {
        if (isa >= InstructionSet.Native)
        {
            // AVX-512 takes the 256-bit code: a 32-element chunk is exactly one 256-bit register.
            if (AvxVnni.IsSupported) return &Vnni;
            if (Avx2.IsSupported) return &Avx2Path;
            if (isa >= InstructionSet.NativeExtended && Dp.IsSupported) return &ArmDot;
            if (AdvSimd.Arm64.IsSupported) return &ArmNeon;
        }
        if (isa >= InstructionSet.Vector128 && Vector128.IsHardwareAccelerated) return &Portable;
        return &Scalar;
    }

    public static void Scalar(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX, int batch,
        float* lanes)
    {
        var p = stackalloc int[8];
        for (var i = 0; i < batch * 8; i++) lanes[i] = 0f;
        for (var g = 0; g < groups; g++)
            for (var b = 0; b < batch; b++)
            {
                for (var l = 0; l < 8; l++) p[l] = 0;
                var xg = x + (long)b * k + g * chunks * 32;
                var wg = w + g * chunks * 16;
                for (var c = 0; c < chunks; c++)
                    for (var j = 0; j < 16; j++)
                    {
                        p[j >> 2] += (wg[c * 16 + j] & 0xF) * xg[c * 32 + j];
                        p[4 + (j >> 2)] += (wg[c * 16 + j] >> 4) * xg[c * 32 + 16 + j];
                    }
                var d = scaleW[g] * scaleX[b * groups + g];
                for (var l = 0; l < 8; l++) lanes[b * 8 + l] = float.MultiplyAddEstimate(d, p[l], lanes[b * 8 + l]);
            }
    }

    public static void Portable(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX,
        int batch, float* lanes)
    {
        var acc = stackalloc Vector128<float>[16];
        for (var i = 0; i < 2 * batch; i++) acc[i] = Vector128<float>.Zero;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
            for (var b = 0; b < batch; b++)
            {
                Vector128<int> lo = default, hi = default;
                var xg = x + (long)b * k + g * chunks * 32;
                var wg = w + g * chunks * 16;
                for (var c = 0; c < chunks; c++)
                {
                    var bytes = Vector128.Load(wg + c * 16);
                    lo += Quads(bytes & mask, Vector128.Load(xg + c * 32));
                    hi += Quads(Vector128.ShiftRightLogical(bytes, 4), Vector128.Load(xg + c * 32 + 16));
                }
                var d = Vector128.Create(scaleW[g] * scaleX[b * groups + g]);
                acc[2 * b] = Vector128.MultiplyAddEstimate(d, Vector128.ConvertToSingle(lo), acc[2 * b]);
                acc[2 * b + 1] = Vector128.MultiplyAddEstimate(d, Vector128.ConvertToSingle(hi), acc[2 * b + 1]);
            }
        for (var b = 0; b < batch; b++) { acc[2 * b].Store(lanes + b * 8); acc[2 * b + 1].Store(lanes + b * 8 + 4); }
    }

    // Sums of 4 consecutive u*x products: lane i = elements 4i..4i+3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Quads(Vector128<byte> u, Vector128<sbyte> x)
    {
        var (ul, uh) = Vector128.Widen(u);
        var (xl, xh) = Vector128.Widen(x);
        var (p0, p1) = Vector128.Widen(ul.AsInt16() * xl);
        var (p2, p3) = Vector128.Widen(uh.AsInt16() * xh);
        return Vector128.Create(Vector128.Sum(p0), Vector128.Sum(p1), Vector128.Sum(p2), Vector128.Sum(p3));
    }

    // Low nibbles to the low 128 bits, high nibbles to the high 128 bits: broadcast, shift, blend, mask.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Unpack(byte* chunk)
    {
        var b = Avx2.BroadcastVector128ToVector256(chunk);
        var shifted = Avx2.ShiftRightLogical(b.AsUInt16(), 4).AsByte();
        return Avx2.And(Avx2.Blend(b.AsInt32(), shifted.AsInt32(), 0xF0).AsByte(), Vector256.Create((byte)0xF));
    }

    // One activation row at a time with the accumulator in a register; the weight row (K/2 bytes) stays in L1
    // across the batch, so re-unpacking it per row is cheaper than keeping 8 accumulators in memory. The group
    // factors scaleW*scaleX are formed 8 at a time (one vmulps, the same IEEE products) and broadcast from memory.
    public static void Avx2Path(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX,
        int batch, float* lanes)
    {
        var ones = Vector256.Create((short)1);
        var d = stackalloc float[8];
        for (var b = 0; b < batch; b++)
        {
            var xb = x + (long)b * k;
            var sx = scaleX + b * groups;
            var acc = Vector256<float>.Zero;
            for (var g0 = 0; g0 < groups; g0 += 8)
            {
                var count = Math.Min(8, groups - g0);
                if (count == 8) Avx.Multiply(Avx.LoadVector256(scaleW + g0), Avx.LoadVector256(sx + g0)).Store(d);
                else for (var i = 0; i < count; i++) d[i] = scaleW[g0 + i] * sx[g0 + i];
                for (var i = 0; i < count; i++)
                {
                    var g = g0 + i;
                    var wg = w + g * chunks * 16;
                    var xg = xb + g * chunks * 32;
                    var p = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Unpack(wg), Avx.LoadVector256(xg)), ones);
                    for (var c = 1; c < chunks; c++)
                        p = Avx2.Add(p, Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(Unpack(wg + c * 16),
                            Avx.LoadVector256(xg + c * 32)), ones));
                    acc = Fma.MultiplyAdd(Vector256.Create(d[i]), Avx.ConvertToVector256Single(p), acc);
                }
            }
            acc.Store(lanes + b * 8);
        }
    }

    public static void Vnni(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX, int batch,
        float* lanes)
    {
        for (var b = 0; b < batch; b++)
        {
            var xb = x + (long)b * k;
            var sx = scaleX + b * groups;
            var acc = Vector256<float>.Zero;
            for (var g = 0; g < groups; g++)
            {
                var wg = w + g * chunks * 16;
                var xg = xb + g * chunks * 32;
                var p = Vector256<int>.Zero;
                for (var c = 0; c < chunks; c++)
                    p = AvxVnni.MultiplyWideningAndAdd(p, Unpack(wg + c * 16), Avx.LoadVector256(xg + c * 32));
                acc = Fma.MultiplyAdd(Vector256.Create(scaleW[g] * sx[g]), Avx.ConvertToVector256Single(p), acc);
            }
            acc.Store(lanes + b * 8);
        }
    }

    public static void ArmNeon(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX,
        int batch, float* lanes)
    {
        var acc = stackalloc Vector128<float>[16];
        for (var i = 0; i < 2 * batch; i++) acc[i] = Vector128<float>.Zero;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
            for (var b = 0; b < batch; b++)
            {
                Vector128<int> lo = default, hi = default;
                var xg = x + (long)b * k + g * chunks * 32;
                var wg = w + g * chunks * 16;
                for (var c = 0; c < chunks; c++)
                {
                    var bytes = AdvSimd.LoadVector128(wg + c * 16);
                    lo = AdvSimd.Add(lo,
                        NeonQuads(AdvSimd.And(bytes, mask).AsSByte(), AdvSimd.LoadVector128(xg + c * 32)));
                    hi = AdvSimd.Add(hi, NeonQuads(AdvSimd.ShiftRightLogical(bytes, 4).AsSByte(),
                        AdvSimd.LoadVector128(xg + c * 32 + 16)));
                }
                var d = Vector128.Create(scaleW[g] * scaleX[b * groups + g]);
                acc[2 * b] = AdvSimd.FusedMultiplyAdd(acc[2 * b], d, AdvSimd.ConvertToSingle(lo));
                acc[2 * b + 1] = AdvSimd.FusedMultiplyAdd(acc[2 * b + 1], d, AdvSimd.ConvertToSingle(hi));
            }
        for (var b = 0; b < batch; b++) { acc[2 * b].Store(lanes + b * 8); acc[2 * b + 1].Store(lanes + b * 8 + 4); }
    }

    // smull/smull2 to int16 products, saddlp to pair sums, addp to sums of 4: lane i = elements 4i..4i+3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> NeonQuads(Vector128<sbyte> u, Vector128<sbyte> x)
    {
        var pairsLo = AdvSimd.AddPairwiseWidening(AdvSimd.MultiplyWideningLower(u.GetLower(), x.GetLower()));
        var pairsHi = AdvSimd.AddPairwiseWidening(AdvSimd.MultiplyWideningUpper(u, x));
        return AdvSimd.Arm64.AddPairwise(pairsLo, pairsHi);
    }

    public static void ArmDot(byte* w, float* scaleW, int groups, int chunks, sbyte* x, int k, float* scaleX, int batch,
        float* lanes)
    {
        var acc = stackalloc Vector128<float>[16];
        for (var i = 0; i < 2 * batch; i++) acc[i] = Vector128<float>.Zero;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
            for (var b = 0; b < batch; b++)
            {
                Vector128<int> lo = default, hi = default;
                var xg = x + (long)b * k + g * chunks * 32;
                var wg = w + g * chunks * 16;
                for (var c = 0; c < chunks; c++)
                {
                    var bytes = AdvSimd.LoadVector128(wg + c * 16);
                    lo = Dp.DotProduct(lo, AdvSimd.And(bytes, mask).AsSByte(), AdvSimd.LoadVector128(xg + c * 32));
                    hi = Dp.DotProduct(hi, AdvSimd.ShiftRightLogical(bytes, 4).AsSByte(),
                        AdvSimd.LoadVector128(xg + c * 32 + 16));
                }
                var d = Vector128.Create(scaleW[g] * scaleX[b * groups + g]);
                acc[2 * b] = AdvSimd.FusedMultiplyAdd(acc[2 * b], d, AdvSimd.ConvertToSingle(lo));
                acc[2 * b + 1] = AdvSimd.FusedMultiplyAdd(acc[2 * b + 1], d, AdvSimd.ConvertToSingle(hi));
            }
        for (var b = 0; b < batch; b++) { acc[2 * b].Store(lanes + b * 8); acc[2 * b + 1].Store(lanes + b * 8 + 4); }
    }
}

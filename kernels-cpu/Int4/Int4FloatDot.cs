using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Fused dequantize-and-dot for the fp32 (weight-only) int4 mode on AVX2 and AVX-512: each 32-element chunk is unpacked
/// to codes, widened to float, offset-corrected and multiplied into the fp32 activations without writing the
/// dequantized row to memory: y = sum_g scale[g] * sum_k (u - offset[g]) * x. Float results differ from the scalar
/// dequantize-then-dot only by reassociation.
/// </summary>
internal static unsafe class Int4FloatDot
{
    public static float Avx2Row(byte* w, float* scales, int* offsets, int groups, int chunks, float* x)
    {
        var acc = Vector256<float>.Zero;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
        {
            var off = Vector256.Create((float)offsets[g]);
            Vector256<float> s0 = default, s1 = default;
            for (var c = 0; c < chunks; c++, w += 16, x += 32)
            {
                var bytes = Sse2.LoadVector128(w);
                var lo = Sse2.And(bytes, mask);
                var hi = Sse2.And(Sse2.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte(), mask);
                s0 = Fma.MultiplyAdd(Avx.Subtract(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(lo)), off),
                    Avx.LoadVector256(x), s0);
                s1 = Fma.MultiplyAdd(Avx.Subtract(Avx.ConvertToVector256Single(
                    Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(lo, 8))), off),
                    Avx.LoadVector256(x + 8), s1);
                s0 = Fma.MultiplyAdd(Avx.Subtract(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(hi)), off),
                    Avx.LoadVector256(x + 16), s0);
                s1 = Fma.MultiplyAdd(Avx.Subtract(Avx.ConvertToVector256Single(
                    Avx2.ConvertToVector256Int32(Sse2.ShiftRightLogical128BitLane(hi, 8))), off),
                    Avx.LoadVector256(x + 24), s1);
            }
            acc = Fma.MultiplyAdd(Vector256.Create(scales[g]), Avx.Add(s0, s1), acc);
        }
        return Vector256.Sum(acc);
    }

    /// <summary>
    /// AVX-512: the offset is subtracted from the codes as bytes (u - offset fits int8), then 16 codes are widened
    /// to int32 and converted per instruction, one FMA per 16 elements.
    /// </summary>
    public static float Avx512Row(byte* w, float* scales, int* offsets, int groups, int chunks, float* x)
    {
        var acc = Vector512<float>.Zero;
        var mask = Vector128.Create((byte)0xF);
        for (var g = 0; g < groups; g++)
        {
            var off = Vector128.Create((byte)offsets[g]);
            Vector512<float> s0 = default, s1 = default;
            for (var c = 0; c < chunks; c++, w += 16, x += 32)
            {
                var bytes = Sse2.LoadVector128(w);
                var lo = Sse2.Subtract(Sse2.And(bytes, mask), off).AsSByte();
                var hi = Sse2.Subtract(Sse2.And(Sse2.ShiftRightLogical(bytes.AsUInt16(), 4).AsByte(),
                    mask), off).AsSByte();
                s0 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(lo)),
                    Vector512.Load(x), s0);
                s1 = Avx512F.FusedMultiplyAdd(Avx512F.ConvertToVector512Single(Avx512F.ConvertToVector512Int32(hi)),
                    Vector512.Load(x + 16), s1);
            }
            acc = Avx512F.FusedMultiplyAdd(Vector512.Create(scales[g]), Avx512F.Add(s0, s1), acc);
        }
        return Vector512.Sum(acc);
    }
}

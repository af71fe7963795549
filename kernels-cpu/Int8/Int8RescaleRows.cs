using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The float epilogue of int32 row segments: y[j] = (float)c[j] * scale[j], then + bias[j], then max(y, 0) when a
/// ReLU is fused -- separate roundings (no FMA) and IEEE max, so every lane width gives the scalar loop's bits.
/// </summary>
internal static unsafe class Int8RescaleRows
{
    /// <summary>
    /// Rescales <paramref name="rows"/> rows of <paramref name="count"/> sums (<paramref name="cStride"/> and
    /// <paramref name="yStride"/> elements apart; bias null: none) with the widest lanes up to
    /// <paramref name="lanes"/>.
    /// </summary>
    public static void Run(int* c, int cStride, int rows, float* scales, float* bias, bool relu, float* y, int yStride,
        int count, FloatLaneWidth lanes)
    {
        for (var r = 0; r < rows; r++)
            Row(c + (long)r * cStride, scales, bias, relu, y + (long)r * yStride, count, lanes);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(int* c, float* scales, float* bias, bool relu, float* y, int count, FloatLaneWidth lanes)
    {
        var j = 0;
        if (lanes == FloatLaneWidth.Bits512)
            for (; j + 16 <= count; j += 16)
            {
                var v = Vector512.ConvertToSingle(Vector512.Load(c + j)) * Vector512.Load(scales + j);
                if (bias != null) v += Vector512.Load(bias + j);
                if (relu) v = Vector512.Max(v, Vector512<float>.Zero);
                v.Store(y + j);
            }
        if (lanes >= FloatLaneWidth.Bits256)
            for (; j + 8 <= count; j += 8)
            {
                var v = Vector256.ConvertToSingle(Vector256.Load(c + j)) * Vector256.Load(scales + j);
                if (bias != null) v += Vector256.Load(bias + j);
                if (relu) v = Vector256.Max(v, Vector256<float>.Zero);
                v.Store(y + j);
            }
        if (lanes >= FloatLaneWidth.Bits128)
            for (; j + 4 <= count; j += 4)
            {
                var v = Vector128.ConvertToSingle(Vector128.Load(c + j)) * Vector128.Load(scales + j);
                if (bias != null) v += Vector128.Load(bias + j);
                if (relu) v = Vector128.Max(v, Vector128<float>.Zero);
                v.Store(y + j);
            }
        for (; j < count; j++)
        {
            float v = c[j] * scales[j];
            if (bias != null) v += bias[j];
            y[j] = relu ? MathF.Max(v, 0f) : v;
        }
    }
}

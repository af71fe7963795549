using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Inference layer normalisation of each row of [rows, features] in one pass per statistic, fp32 throughout:
/// mean (summed as offsets from the row's first value, so a large common offset costs no precision), biased
/// variance of (x - mean), then y = (x - mean) * rstd * weight + bias with rstd = 1 / sqrt(var + eps)
/// (the square root in double). SIMD paths differ from <see cref="LayerNormRowsReference"/> only in the order the
/// lanes sum.
/// </summary>
public static class LayerNormRowsKernel
{
    /// <summary>Normalises each row of <paramref name="x"/> into <paramref name="y"/> (y may be x itself).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, double eps,
        Span<float> y)
    {
        int features = weight.Length;
        if (features < 1 || bias.Length != features || x.Length % features != 0 || y.Length != x.Length)
            throw new ArgumentException($"LayerNormRowsKernel: x {x.Length} and y {y.Length} values must be equal " +
                $"whole rows of weight {weight.Length} = bias {bias.Length} > 0 features.");
        switch (FloatLaneDispatch.Active)
        {
            case FloatLaneWidth.Bits512: Run<Lanes512, Vector512<float>>(x, weight, bias, eps, y); break;
            case FloatLaneWidth.Bits256: Run<Lanes256, Vector256<float>>(x, weight, bias, eps, y); break;
            case FloatLaneWidth.Bits128: Run<Lanes128, Vector128<float>>(x, weight, bias, eps, y); break;
            default: LayerNormRowsReference.Forward(x, weight, bias, eps, y); break;
        }
    }

    private static void Run<TLanes, TVector>(ReadOnlySpan<float> x, ReadOnlySpan<float> weight,
        ReadOnlySpan<float> bias, double eps, Span<float> y)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int n = weight.Length, w = TLanes.Count, whole = n - n % w;
        for (int start = 0; start < x.Length; start += n)
        {
            var row = x.Slice(start, n);
            var output = y.Slice(start, n);
            float shift = row[0];
            TVector lanes = default, shiftLanes = TLanes.Broadcast(shift);
            for (int j = 0; j < whole; j += w)
                lanes = TLanes.Add(lanes, TLanes.Subtract(TLanes.Load(row, j), shiftLanes));
            float sum = TLanes.Sum(lanes);
            for (int j = whole; j < n; j++) sum += row[j] - shift;
            float mean = shift + sum / n;
            var meanLanes = TLanes.Broadcast(mean);
            lanes = default;
            for (int j = 0; j < whole; j += w)
            {
                var centred = TLanes.Subtract(TLanes.Load(row, j), meanLanes);
                lanes = TLanes.MultiplyAdd(centred, centred, lanes);
            }
            float squares = TLanes.Sum(lanes);
            for (int j = whole; j < n; j++) squares = MathF.FusedMultiplyAdd(row[j] - mean, row[j] - mean, squares);
            float rstd = (float)(1 / Math.Sqrt((double)(squares / n) + eps));
            var rstdLanes = TLanes.Broadcast(rstd);
            for (int j = 0; j < whole; j += w)
            {
                var normal = TLanes.Multiply(TLanes.Subtract(TLanes.Load(row, j), meanLanes), rstdLanes);
                TLanes.Store(TLanes.MultiplyAdd(normal, TLanes.Load(weight, j), TLanes.Load(bias, j)), output, j);
            }
            for (int j = whole; j < n; j++)
                output[j] = MathF.FusedMultiplyAdd((row[j] - mean) * rstd, weight[j], bias[j]);
        }
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Batch normalisation over the N and spatial axes of contiguous NCHW data, per channel, on SIMD spans
/// (TensorPrimitives). Statistics are two-pass (mean, then centred squares) and summed in double across chunks of
/// at most <see cref="Chunk"/> values, so a float32 plane of any size keeps a float chunk error on each partial sum;
/// every formula works on x - mean, never on x * a + b with a large cancelling shift. The mean is split into its
/// value in T (subtracted from x, exactly when x is near it) and the double remainder (folded into the per-channel
/// constants), so float32 data far from zero loses nothing to the rounding of the mean.
/// </summary>
public static class BatchNormKernels
{
    /// <summary>Largest run of values summed in T before the partial sum is added in double.</summary>
    public const int Chunk = 1024;

    /// <summary>Per-channel batch mean and biased variance of x [n, c, spatial] (double, length c).</summary>
    public static void Statistics<T>(ReadOnlySpan<T> x, int n, int c, int spatial, Span<double> mean,
        Span<double> variance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, n, c, spatial);
        if (mean.Length != c || variance.Length != c)
            throw new ArgumentException($"BatchNormKernels.Statistics: mean and variance need length {c}.");
        Span<T> centred = stackalloc T[Math.Min(Chunk, Math.Max(spatial, 1))];
        double count = (double)n * spatial;
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int b = 0; b < n; b++)
            {
                var plane = x.Slice((b * c + ch) * spatial, spatial);
                for (int i = 0; i < spatial; i += Chunk)
                    sum += double.CreateTruncating(TensorPrimitives.Sum(plane[i..Math.Min(spatial, i + Chunk)]));
            }
            // Centre on the mean as rounded to T, so the residual below is measured from the value subtracted.
            var muT = T.CreateTruncating(sum / count);
            double mu = double.CreateTruncating(muT), squares = 0, residual = 0;
            for (int b = 0; b < n; b++)
            {
                var plane = x.Slice((b * c + ch) * spatial, spatial);
                for (int i = 0; i < spatial; i += Chunk)
                {
                    var part = plane[i..Math.Min(spatial, i + Chunk)];
                    var tmp = centred[..part.Length];
                    TensorPrimitives.Subtract(part, muT, tmp);
                    squares += double.CreateTruncating(TensorPrimitives.SumOfSquares<T>(tmp));
                    residual += double.CreateTruncating(TensorPrimitives.Sum<T>(tmp));
                }
            }
            // sum(x - mu) = residual is left by the rounded mean; the centred squares exceed the variance by
            // residual^2 / count.
            mean[ch] = mu + residual / count;
            variance[ch] = Math.Max(0, (squares - residual * residual / count) / count);
        }
    }

    /// <summary>y = (x - mean[ch]) * scale[ch] + shift[ch] over x [n, c, spatial]; y may be x.</summary>
    public static void Normalize<T>(ReadOnlySpan<T> x, int n, int c, int spatial, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> scale, ReadOnlySpan<double> shift, Span<T> y)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, n, c, spatial);
        if (y.Length != x.Length || mean.Length != c || scale.Length != c || shift.Length != c)
            throw new ArgumentException(
                $"BatchNormKernels.Normalize: y needs length {x.Length}, mean/scale/shift length {c}.");
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int at = (b * c + ch) * spatial;
                var output = y.Slice(at, spatial);
                var (hi, lo) = Split<T>(mean[ch]);
                TensorPrimitives.Subtract(x.Slice(at, spatial), hi, output);
                TensorPrimitives.Multiply(output, T.CreateTruncating(scale[ch]), output);
                TensorPrimitives.Add(output, T.CreateTruncating(shift[ch] - lo * scale[ch]), output);
            }
    }

    /// <summary>
    /// Per-channel sum(g) and sum(g * (x - mean)) of gradient g and input x [n, c, spatial] (double, length c):
    /// the bias gradient and, times 1/std, the scale gradient.
    /// </summary>
    public static void GradientSums<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int n, int c, int spatial,
        ReadOnlySpan<double> mean, Span<double> sumG, Span<double> sumGCentred)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, n, c, spatial);
        if (g.Length != x.Length || mean.Length != c || sumG.Length != c || sumGCentred.Length != c)
            throw new ArgumentException(
                $"BatchNormKernels.GradientSums: g needs length {x.Length}, mean and sums length {c}.");
        Span<T> centred = stackalloc T[Math.Min(Chunk, Math.Max(spatial, 1))];
        sumG.Clear();
        sumGCentred.Clear();
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int at = (b * c + ch) * spatial;
                var (hi, _) = Split<T>(mean[ch]);
                for (int i = 0; i < spatial; i += Chunk)
                {
                    int length = Math.Min(Chunk, spatial - i);
                    var gPart = g.Slice(at + i, length);
                    var tmp = centred[..length];
                    TensorPrimitives.Subtract(x.Slice(at + i, length), hi, tmp);
                    sumG[ch] += double.CreateTruncating(TensorPrimitives.Sum(gPart));
                    sumGCentred[ch] += double.CreateTruncating(TensorPrimitives.Dot<T>(gPart, tmp));
                }
            }
        for (int ch = 0; ch < c; ch++) sumGCentred[ch] -= Split<T>(mean[ch]).Lo * sumG[ch];
    }

    /// <summary>
    /// dx = gScale[ch] * g + xScale[ch] * (x - mean[ch]) + shift[ch] over [n, c, spatial]; dx may be g.
    /// </summary>
    public static void InputGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int n, int c, int spatial,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> gScale, ReadOnlySpan<double> xScale, ReadOnlySpan<double> shift,
        Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, n, c, spatial);
        if (g.Length != x.Length || dx.Length != x.Length)
            throw new ArgumentException($"BatchNormKernels.InputGradient: g and dx need length {x.Length}.");
        Span<T> centred = stackalloc T[Math.Min(Chunk, Math.Max(spatial, 1))];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int at = (b * c + ch) * spatial;
                var (mu, lo) = Split<T>(mean[ch]);
                T a = T.CreateTruncating(gScale[ch]), k = T.CreateTruncating(xScale[ch]);
                T s = T.CreateTruncating(shift[ch] - lo * xScale[ch]);
                for (int i = 0; i < spatial; i += Chunk)
                {
                    int length = Math.Min(Chunk, spatial - i);
                    var tmp = centred[..length];
                    var output = dx.Slice(at + i, length);
                    TensorPrimitives.Subtract(x.Slice(at + i, length), mu, tmp);
                    TensorPrimitives.Multiply(tmp, k, tmp);
                    TensorPrimitives.Add(tmp, s, tmp);
                    TensorPrimitives.MultiplyAdd(g.Slice(at + i, length), a, tmp, output);
                }
            }
    }

    // mean = hi + lo with hi the nearest T.
    private static (T Hi, double Lo) Split<T>(double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var hi = T.CreateTruncating(mean);
        return (hi, mean - double.CreateTruncating(hi));
    }

    private static void Check(int length, int n, int c, int spatial)
    {
        if (n < 0 || c < 0 || spatial < 0 || (long)n * c * spatial != length)
            throw new ArgumentException($"BatchNormKernels: length {length} is not n {n} x c {c} x spatial {spatial}.");
    }
}

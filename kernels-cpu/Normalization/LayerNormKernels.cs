using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Layer normalisation over rows of length inner (contiguous [rows, inner]) on SIMD spans, forward and backward,
/// with the numerics of <see cref="BatchNormKernels"/>: two-pass statistics summed in double per chunk, the mean
/// split into its value in T (subtracted) and a double remainder (folded into the constants).
/// </summary>
public static class LayerNormKernels
{
    /// <summary>
    /// y = (x - mean) * rstd * w + b per row (w and b optional: empty spans), writing each row's mean and
    /// rstd = 1 / sqrt(var + eps) (biased variance).
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, int rows, int inner, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias,
        double eps, Span<T> y, Span<double> mean, Span<double> rstd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, rows, inner, weight, bias);
        if (y.Length != x.Length || mean.Length != rows || rstd.Length != rows)
            throw new ArgumentException($"LayerNormKernels.Forward: y needs length {x.Length}, mean and rstd {rows}.");
        Span<double> mu = stackalloc double[1];
        Span<double> variance = stackalloc double[1];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * inner, inner);
            BatchNormKernels.Statistics(row, 1, 1, inner, mu, variance);
            double s = 1 / Math.Sqrt(variance[0] + eps);
            (mean[r], rstd[r]) = (mu[0], s);
            var output = y.Slice(r * inner, inner);
            var (hi, lo) = Split<T>(mu[0]);
            TensorPrimitives.Subtract(row, hi, output);
            TensorPrimitives.Multiply(output, T.CreateTruncating(s), output);
            TensorPrimitives.Add(output, T.CreateTruncating(-lo * s), output);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(output, weight, output);
            if (!bias.IsEmpty) TensorPrimitives.Add(output, bias, output);
        }
    }

    /// <summary>
    /// Gradients of <see cref="Forward{T}"/>: dx = rstd (gx - mean(gx) - xhat mean(gx xhat)) with gx = g w (dx
    /// skipped when empty), and the sums over rows of g xhat and g into weightGrad and biasGrad (double, skipped when
    /// empty).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int rows, int inner, ReadOnlySpan<T> weight,
        ReadOnlySpan<double> mean, ReadOnlySpan<double> rstd, Span<T> dx, Span<double> weightGrad,
        Span<double> biasGrad)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(x.Length, rows, inner, weight, default);
        if (g.Length != x.Length || mean.Length != rows || rstd.Length != rows
            || (!dx.IsEmpty && dx.Length != x.Length) || (!weightGrad.IsEmpty && weightGrad.Length != inner)
            || (!biasGrad.IsEmpty && biasGrad.Length != inner))
        {
            throw new ArgumentException("LayerNormKernels.Backward: g, dx need the input's length, mean and rstd one "
                + "value per row, weightGrad and biasGrad one per column.");
        }
        var xhat = new T[inner];
        var gx = new T[inner];
        weightGrad.Clear();
        biasGrad.Clear();
        for (int r = 0; r < rows; r++)
        {
            var gRow = g.Slice(r * inner, inner);
            var (hi, lo) = Split<T>(mean[r]);
            double s = rstd[r];
            TensorPrimitives.Subtract(x.Slice(r * inner, inner), hi, xhat);
            TensorPrimitives.Multiply(xhat, T.CreateTruncating(s), xhat);
            TensorPrimitives.Add(xhat, T.CreateTruncating(-lo * s), xhat);
            if (!weightGrad.IsEmpty || !biasGrad.IsEmpty)
            {
                for (int j = 0; j < inner; j++)
                {
                    double gj = double.CreateTruncating(gRow[j]);
                    if (!weightGrad.IsEmpty) weightGrad[j] += gj * double.CreateTruncating(xhat[j]);
                    if (!biasGrad.IsEmpty) biasGrad[j] += gj;
                }
            }
            if (dx.IsEmpty) continue;
            if (weight.IsEmpty) gRow.CopyTo(gx);
            else TensorPrimitives.Multiply(gRow, weight, gx);
            double meanG = double.CreateTruncating(TensorPrimitives.Sum<T>(gx)) / inner;
            double meanGx = double.CreateTruncating(TensorPrimitives.Dot<T>(gx, xhat)) / inner;
            var output = dx.Slice(r * inner, inner);
            // dx = s gx - s meanGx xhat - s meanG
            TensorPrimitives.Multiply(xhat, T.CreateTruncating(-s * meanGx), output);
            TensorPrimitives.Add(output, T.CreateTruncating(-s * meanG), output);
            TensorPrimitives.Multiply(gx, T.CreateTruncating(s), gx);
            TensorPrimitives.Add(output, gx, output);
        }
    }

    private static (T Hi, double Lo) Split<T>(double mean) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var hi = T.CreateTruncating(mean);
        return (hi, mean - double.CreateTruncating(hi));
    }

    private static void Check<T>(int length, int rows, int inner, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias)
    {
        if (rows < 0 || inner < 0 || (long)rows * inner != length)
            throw new ArgumentException($"LayerNormKernels: length {length} is not rows {rows} x inner {inner}.");
        if ((!weight.IsEmpty && weight.Length != inner) || (!bias.IsEmpty && bias.Length != inner))
            throw new ArgumentException($"LayerNormKernels: weight and bias need length {inner}.");
    }
}

using Qail.Kernels.Cpu;

namespace Qail.Engine;

/// <summary>
/// Batch-normalisation building blocks over input [N, C, ...] (statistics per channel C over N and the trailing
/// dims), on the SIMD kernels of <see cref="BatchNormKernels"/>: float32 stays float32, statistics are double.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>Per-channel mean and biased variance of <paramref name="input"/> [N, C, ...].</summary>
    public static (double[] Mean, double[] Variance) BatchNormStatistics(Tensor input)
    {
        var (x, n, c, spatial) = BatchNormOperand(nameof(BatchNormStatistics), input);
        var mean = new double[c];
        var variance = new double[c];
        if (x.DType == DType.Float32)
            BatchNormKernels.Statistics<float>(x.AsSpan<float>(), n, c, spatial, mean, variance);
        else BatchNormKernels.Statistics<double>(x.AsSpan<double>(), n, c, spatial, mean, variance);
        return (mean, variance);
    }

    /// <summary>(x - mean[c]) * scale[c] + shift[c] per channel of <paramref name="input"/> [N, C, ...].</summary>
    public static Tensor BatchNormAffine(Tensor input, ReadOnlySpan<double> mean, ReadOnlySpan<double> scale,
        ReadOnlySpan<double> shift)
    {
        var (x, n, c, spatial) = BatchNormOperand(nameof(BatchNormAffine), input);
        var y = Uninitialized(x.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
            BatchNormKernels.Normalize<float>(x.AsSpan<float>(), n, c, spatial, mean, scale, shift, y.AsSpan<float>());
        else
            BatchNormKernels.Normalize<double>(x.AsSpan<double>(), n, c, spatial, mean, scale, shift,
                y.AsSpan<double>());
        return y;
    }

    /// <summary>Per-channel sum(g) and sum(g * (x - mean[c])) of gradient g and input x, both [N, C, ...].</summary>
    public static (double[] SumGrad, double[] SumGradCentred) BatchNormGradientSums(Tensor gradOutput, Tensor input,
        ReadOnlySpan<double> mean)
    {
        const string op = nameof(BatchNormGradientSums);
        var (x, n, c, spatial) = BatchNormOperand(op, input);
        var g = BatchNormGradient(op, gradOutput, x);
        var sumG = new double[c];
        var sumGC = new double[c];
        if (x.DType == DType.Float32)
            BatchNormKernels.GradientSums<float>(g.AsSpan<float>(), x.AsSpan<float>(), n, c,
                spatial, mean, sumG, sumGC);
        else
            BatchNormKernels.GradientSums<double>(g.AsSpan<double>(), x.AsSpan<double>(), n, c,
                spatial, mean, sumG, sumGC);
        return (sumG, sumGC);
    }

    /// <summary>gScale[c] * g + xScale[c] * (x - mean[c]) + shift[c] per channel of g and x [N, C, ...].</summary>
    public static Tensor BatchNormInputGradient(Tensor gradOutput, Tensor input, ReadOnlySpan<double> mean,
        ReadOnlySpan<double> gScale, ReadOnlySpan<double> xScale, ReadOnlySpan<double> shift)
    {
        const string op = nameof(BatchNormInputGradient);
        var (x, n, c, spatial) = BatchNormOperand(op, input);
        var g = BatchNormGradient(op, gradOutput, x);
        if (gScale.Length != c || xScale.Length != c || shift.Length != c || mean.Length != c)
            throw new ArgumentException($"{op}: mean, gScale, xScale and shift need one value per channel ({c}).");
        var dx = Uninitialized(x.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
        {
            BatchNormKernels.InputGradient<float>(g.AsSpan<float>(), x.AsSpan<float>(), n, c, spatial, mean, gScale,
                xScale, shift, dx.AsSpan<float>());
        }
        else
        {
            BatchNormKernels.InputGradient<double>(g.AsSpan<double>(), x.AsSpan<double>(), n, c, spatial, mean, gScale,
                xScale, shift, dx.AsSpan<double>());
        }
        return dx;
    }

    private static (Tensor X, int N, int C, int Spatial) BatchNormOperand(string op, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.HostStorage(op);
        input.RequireFloat(op);
        if (input.Rank < 2)
        {
            throw new ArgumentException($"{op}: input shape {Shapes.Format(input.ShapeSpan)} must be [N, C, ...].",
                nameof(input));
        }
        var x = input.Contiguous();
        int spatial = (int)Shapes.ElementCount(x.ShapeSpan[2..]);
        return (x, x.Size(0), x.Size(1), spatial);
    }

    private static Tensor BatchNormGradient(string op, Tensor gradOutput, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        gradOutput.HostStorage(op);
        CheckSameDType(op, x, gradOutput);
        if (!Shapes.Equal(gradOutput.ShapeSpan, x.ShapeSpan))
            throw new ArgumentException(
                $"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must equal input shape "
                + $"{Shapes.Format(x.ShapeSpan)}.",
                nameof(gradOutput));
        return gradOutput.Contiguous();
    }
}

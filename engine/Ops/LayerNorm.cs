using Qail.Kernels.Cpu;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalization over the last <paramref name="normalizedDims"/> dims: (x - mean) / sqrt(var + eps) * weight
    /// + bias, with the biased variance; weight and bias (optional) have the shape of those dims.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int normalizedDims, Tensor? weight, Tensor? bias, double eps = 1e-5) =>
        LayerNormWithStats(input, normalizedDims, weight, bias, eps).Output;

    /// <summary>
    /// <see cref="LayerNorm"/> that also returns each row's mean and 1/sqrt(var + eps), shaped like the input with the
    /// normalized dims set to 1 (so they broadcast against it), in float64; for the backward pass.
    /// </summary>
    public static (Tensor Output, Tensor Mean, Tensor InvStd) LayerNormWithStats(Tensor input, int normalizedDims,
        Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        const string op = nameof(LayerNorm);
        ArgumentNullException.ThrowIfNull(input);
        input.HostStorage(op);
        input.RequireFloat(op);
        if (normalizedDims < 1 || normalizedDims > input.Rank)
            throw new ArgumentOutOfRangeException(nameof(normalizedDims), normalizedDims,
                $"LayerNorm: normalizedDims must lie in 1..{input.Rank} for input {Shapes.Format(input.ShapeSpan)}.");
        if (!(eps >= 0))
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be non-negative.");
        var normShape = input.ShapeSpan[^normalizedDims..];
        foreach (var (p, name) in new[] { (weight, nameof(weight)), (bias, nameof(bias)) })
        {
            if (p is null) continue;
            p.HostStorage(op);
            CheckSameDType(op, input, p);
            if (!Shapes.Equal(p.ShapeSpan, normShape))
                throw new ArgumentException($"LayerNorm: {name} shape {Shapes.Format(p.ShapeSpan)} must equal the "
                    + $"normalized shape {Shapes.Format(normShape)} of input {Shapes.Format(input.ShapeSpan)}.", name);
        }
        int inner = (int)Shapes.ElementCount(normShape);
        int rows = (int)Shapes.ElementCount(input.ShapeSpan[..^normalizedDims]);
        var x = input.Contiguous();
        var y = Zeros(x.ShapeSpan, x.DType);
        var means = new double[rows];
        var invStds = new double[rows];
        if (x.DType == DType.Float32)
        {
            LayerNormKernels.Forward<float>(x.AsSpan<float>(), rows, inner, AffineSpan<float>(weight),
                AffineSpan<float>(bias), eps, y.AsSpan<float>(), means, invStds);
        }
        else
        {
            LayerNormKernels.Forward<double>(x.AsSpan<double>(), rows, inner, AffineSpan<double>(weight),
                AffineSpan<double>(bias), eps, y.AsSpan<double>(), means, invStds);
        }
        var statShape = input.ShapeToArray();
        for (int i = statShape.Length - normalizedDims; i < statShape.Length; i++) statShape[i] = 1;
        return (y, From<double>(means, statShape), From<double>(invStds, statShape));
    }

    /// <summary>
    /// Gradients of <see cref="LayerNorm"/> from the statistics of <see cref="LayerNormWithStats"/>: the input
    /// gradient (null unless <paramref name="needInput"/>), and the weight and bias gradients (null when that
    /// parameter is absent), in one pass per row.
    /// </summary>
    public static (Tensor? Input, Tensor? Weight, Tensor? Bias) LayerNormBackward(Tensor gradOutput, Tensor input,
        int normalizedDims, Tensor? weight, bool hasBias, Tensor mean, Tensor invStd, bool needInput = true)
    {
        const string op = nameof(LayerNormBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(invStd);
        input.HostStorage(op);
        gradOutput.HostStorage(op);
        input.RequireFloat(op);
        CheckSameDType(op, input, gradOutput);
        if (normalizedDims < 1 || normalizedDims > input.Rank || !Shapes.Equal(gradOutput.ShapeSpan, input.ShapeSpan))
        {
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} must match input "
                + $"{Shapes.Format(input.ShapeSpan)}, normalizedDims {normalizedDims} lie in 1..{input.Rank}.");
        }
        var normShape = input.ShapeSpan[^normalizedDims..];
        int inner = (int)Shapes.ElementCount(normShape);
        int rows = (int)Shapes.ElementCount(input.ShapeSpan[..^normalizedDims]);
        if (mean.ElementCount != rows || invStd.ElementCount != rows)
            throw new ArgumentException($"{op}: mean and invStd need {rows} values, one per normalised row.");
        if (weight is not null && !Shapes.Equal(weight.ShapeSpan, normShape))
        {
            throw new ArgumentException(
                $"{op}: weight shape {Shapes.Format(weight.ShapeSpan)} must be {Shapes.Format(normShape)}.");
        }
        var x = input.Contiguous();
        var g = gradOutput.Contiguous();
        var mu = mean.ToDoubleArray();
        var rstd = invStd.ToDoubleArray();
        var dx = needInput ? Zeros(x.ShapeSpan, x.DType) : null;
        var dw = weight is null ? [] : new double[inner];
        var db = hasBias ? new double[inner] : [];
        if (x.DType == DType.Float32)
        {
            LayerNormKernels.Backward<float>(g.AsSpan<float>(), x.AsSpan<float>(), rows, inner,
                AffineSpan<float>(weight), mu, rstd, dx is null ? default : dx.AsSpan<float>(), dw, db);
        }
        else
        {
            LayerNormKernels.Backward<double>(g.AsSpan<double>(), x.AsSpan<double>(), rows, inner,
                AffineSpan<double>(weight), mu, rstd, dx is null ? default : dx.AsSpan<double>(), dw, db);
        }
        var shape = normShape.ToArray();
        return (dx, weight is null ? null : From<double>(dw, shape).Cast(x.DType),
            hasBias ? From<double>(db, shape).Cast(x.DType) : null);
    }

    private static ReadOnlySpan<T> AffineSpan<T>(Tensor? parameter) where T : unmanaged =>
        parameter is null ? default : parameter.Contiguous().AsSpan<T>();
}

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalization over the last <paramref name="normalizedDims"/> dims: (x - mean) / sqrt(var + eps) * weight + bias,
    /// with the biased variance; weight and bias (optional) have the shape of those dims.
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int normalizedDims, Tensor? weight, Tensor? bias, double eps = 1e-5) =>
        LayerNormWithStats(input, normalizedDims, weight, bias, eps).Output;

    /// <summary>
    /// <see cref="LayerNorm"/> that also returns each row's mean and 1/sqrt(var + eps), shaped like the input with the
    /// normalized dims set to 1 (so they broadcast against it), in the input's dtype; for the backward pass.
    /// </summary>
    public static (Tensor Output, Tensor Mean, Tensor InvStd) LayerNormWithStats(Tensor input, int normalizedDims, Tensor? weight, Tensor? bias, double eps = 1e-5)
    {
        const string op = nameof(LayerNorm);
        ArgumentNullException.ThrowIfNull(input);
        input.HostStorage(op);
        input.RequireFloat(op);
        if (normalizedDims < 1 || normalizedDims > input.Rank)
            throw new ArgumentOutOfRangeException(nameof(normalizedDims), normalizedDims, $"LayerNorm: normalizedDims must lie in 1..{input.Rank} for input {Shapes.Format(input.ShapeSpan)}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be non-negative.");
        var normShape = input.ShapeSpan[^normalizedDims..];
        foreach (var (p, name) in new[] { (weight, nameof(weight)), (bias, nameof(bias)) })
        {
            if (p is null) continue;
            p.HostStorage(op);
            CheckSameDType(op, input, p);
            if (!Shapes.Equal(p.ShapeSpan, normShape))
                throw new ArgumentException($"LayerNorm: {name} shape {Shapes.Format(p.ShapeSpan)} must equal the normalized shape {Shapes.Format(normShape)} of input {Shapes.Format(input.ShapeSpan)}.", name);
        }
        int inner = (int)Shapes.ElementCount(normShape);
        var x = input.Contiguous().Cast(DType.Float64).AsSpan<double>();
        var w = weight is null ? default : weight.Cast(DType.Float64).Contiguous().AsSpan<double>();
        var b = bias is null ? default : bias.Cast(DType.Float64).Contiguous().AsSpan<double>();
        var y = new double[x.Length];
        int rows = (int)Shapes.ElementCount(input.ShapeSpan[..^normalizedDims]);
        var means = new double[rows];
        var invStds = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * inner, inner);
            double mean = 0;
            foreach (double v in row) mean += v;
            mean /= inner;
            double var = 0;
            foreach (double v in row) var += (v - mean) * (v - mean);
            double invStd = 1 / Math.Sqrt(var / inner + eps);
            means[r] = mean;
            invStds[r] = invStd;
            for (int j = 0; j < inner; j++)
            {
                double v = (row[j] - mean) * invStd;
                if (weight is not null) v *= w[j];
                if (bias is not null) v += b[j];
                y[r * inner + j] = v;
            }
        }
        var statShape = input.ShapeToArray();
        for (int i = statShape.Length - normalizedDims; i < statShape.Length; i++) statShape[i] = 1;
        return (From<double>(y, input.ShapeSpan).Cast(input.DType),
            From<double>(means, statShape).Cast(input.DType),
            From<double>(invStds, statShape).Cast(input.DType));
    }
}

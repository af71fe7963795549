namespace Qail.Kernels.Cpu;

/// <summary>Scalar reference of <see cref="LayerNormRowsKernel"/>: the same steps, summed in index order.</summary>
public static class LayerNormRowsReference
{
    /// <summary>The contract of <see cref="LayerNormRowsKernel.Forward"/> (shapes checked there).</summary>
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, double eps,
        Span<float> y)
    {
        int n = weight.Length;
        for (int start = 0; start < x.Length; start += n)
        {
            var row = x.Slice(start, n);
            var output = y.Slice(start, n);
            float shift = row[0], sum = 0;
            foreach (float value in row) sum += value - shift;
            float mean = shift + sum / n, squares = 0;
            foreach (float value in row) squares = MathF.FusedMultiplyAdd(value - mean, value - mean, squares);
            float rstd = (float)(1 / Math.Sqrt((double)(squares / n) + eps));
            for (int j = 0; j < n; j++) output[j] = MathF.FusedMultiplyAdd((row[j] - mean) * rstd, weight[j], bias[j]);
        }
    }
}

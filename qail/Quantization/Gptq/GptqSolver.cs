using Qail.Kernels.Cpu;
using Qail.Quantization.Observers;

namespace Qail.Quantization;

/// <summary>
/// GPTQ on one weight matrix (Frantar et al. 2023, as AutoGPTQ implements it): columns are rounded one at a time and
/// each rounding error is spread over the columns not yet rounded through the inverse calibration Hessian
/// H = 2 X^T X / n + damping, whose upper Cholesky factor gives the update rows; updates beyond the current block are
/// applied lazily, once per block. Scales are MSE-clipped per output channel, or per group from the updated weights
/// when the group's first column is reached (static, from the original weights, with act-order).
/// </summary>
public static class GptqSolver
{
    /// <summary>
    /// The rounded weight (dequantized, row-major [rows, cols]) with the scales and zero points in FakeQuantize cell
    /// order.
    /// </summary>
    public sealed record Result(float[] Weight, float[] Scales, float[] ZeroPoints);

    /// <summary>
    /// Quantizes <paramref name="weight"/> ([rows, cols], row-major) for inputs <paramref name="inputs"/> ([n, cols]).
    /// </summary>
    public static Result Quantize(float[] weight, int rows, int cols, double[,] inputs, TensorQuantSpec spec,
        GptqOptions options)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (weight.Length != rows * cols || inputs.GetLength(1) != cols)
            throw new ArgumentException($"GptqSolver: weight of {weight.Length} values and inputs of width "
                + $"{inputs.GetLength(1)} for [{rows}, {cols}].");
        int groupSize = spec.Granularity switch
        {
            QuantGranularity.PerGroup => spec.GroupSize,
            QuantGranularity.PerChannel => cols,
            _ => throw new ArgumentException(
                "GptqSolver: per-tensor weight scales are not supported; use per-channel or per-group.", nameof(spec)),
        };
        if (cols % groupSize != 0)
            throw new ArgumentException($"GptqSolver: group size {groupSize} does not divide {cols} columns.",
                nameof(spec));
        int groups = cols / groupSize;

        var h = Hessian(inputs, options.MaxRows);
        var w = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) w[r, c] = weight[r * cols + c];
        // A column no calibration input ever excites cannot matter: zero it, and keep H invertible.
        for (int c = 0; c < cols; c++)
            if (h[c, c] == 0)
            {
                h[c, c] = 1;
                for (int r = 0; r < rows; r++) w[r, c] = 0;
            }
        var order = Enumerable.Range(0, cols).ToArray();
        if (options.ActOrder) order = [.. order.OrderByDescending(c => h[c, c]).ThenBy(c => c)];

        var parameters = new QuantizationParameters[rows, groups];
        var found = new bool[groups];
        if (options.ActOrder || groups == 1)
            for (int g = 0; g < groups; g++) FindGroup(w, g, groupSize, spec, parameters, found);

        var hp = new double[cols, cols];
        for (int i = 0; i < cols; i++)
            for (int j = 0; j < cols; j++) hp[i, j] = h[order[i], order[j]];
        var wp = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < cols; i++) wp[r, i] = w[r, order[i]];
        double damp = 0;
        for (int i = 0; i < cols; i++) damp += hp[i, i];
        damp = options.Damping * damp / cols;
        for (int i = 0; i < cols; i++) hp[i, i] += damp;
        var u = DenseCholesky.UpperFactorOfInverse(hp);

        var q = new double[rows, cols];
        for (int start = 0; start < cols; start += options.BlockSize)
        {
            int end = Math.Min(cols, start + options.BlockSize);
            var errors = new double[rows, end - start];
            for (int i = start; i < end; i++)
            {
                int column = order[i], group = column / groupSize;
                // Per group without act-order (order is the identity): scales from the updated weights about to be
                // rounded.
                if (!found[group]) FindGroup(wp, group, groupSize, spec, parameters, found);
                double d = u[i, i];
                for (int r = 0; r < rows; r++)
                {
                    var p = parameters[r, group];
                    double value = wp[r, i];
                    double rounded = p.Dequantize(p.Quantize((float)value));
                    q[r, i] = rounded;
                    double error = (value - rounded) / d;
                    errors[r, i - start] = error;
                    for (int j = i + 1; j < end; j++) wp[r, j] -= error * u[i, j];
                }
            }
            for (int r = 0; r < rows; r++)
                for (int j = end; j < cols; j++)
                {
                    double sum = 0;
                    for (int i = start; i < end; i++) sum += errors[r, i - start] * u[i, j];
                    wp[r, j] -= sum;
                }
        }

        var result = new float[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < cols; i++) result[r * cols + order[i]] = (float)q[r, i];
        var scales = new float[rows * groups];
        var zeros = new float[rows * groups];
        for (int r = 0; r < rows; r++)
            for (int g = 0; g < groups; g++)
                (scales[r * groups + g], zeros[r * groups + g]) = (parameters[r, g].Scale, parameters[r, g].ZeroPoint);
        return new Result(result, scales, zeros);
    }

    /// <summary>H = 2 X^T X / n over the first <paramref name="maxRows"/> rows of <paramref name="inputs"/>.</summary>
    public static double[,] Hessian(double[,] inputs, int maxRows = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int n = Math.Min(inputs.GetLength(0), maxRows), k = inputs.GetLength(1);
        if (n < 1) throw new ArgumentException("GptqSolver: no calibration rows.", nameof(inputs));
        var h = new double[k, k];
        for (int r = 0; r < n; r++)
            for (int i = 0; i < k; i++)
            {
                double xi = inputs[r, i];
                if (xi == 0) continue;
                for (int j = i; j < k; j++) h[i, j] += xi * inputs[r, j];
            }
        for (int i = 0; i < k; i++)
            for (int j = i; j < k; j++) h[j, i] = h[i, j] = 2 * h[i, j] / n;
        return h;
    }

    private static void FindGroup(double[,] w, int group, int groupSize, TensorQuantSpec spec,
        QuantizationParameters[,] parameters, bool[] found)
    {
        int rows = w.GetLength(0);
        var slice = new float[groupSize];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < groupSize; j++) slice[j] = (float)w[r, group * groupSize + j];
            var (min, max) = MseClippingSearch.Find(slice, spec);
            parameters[r, group] = MseClippingSearch.Parameters(min, max, spec);
        }
        found[group] = true;
    }
}

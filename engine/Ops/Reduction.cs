using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>Reduces one contiguous row of a reduction to a single value.</summary>
internal delegate TOut RowReducer<T, TOut>(ReadOnlySpan<T> row);

public sealed partial class Tensor
{
    /// <summary>
    /// Sum over <paramref name="axes"/> (null: all); keepDim leaves reduced dims as size 1 (float32, float64, int32).
    /// </summary>
    public Tensor Sum(int[]? axes = null, bool keepDim = false) => TrySumLeadingAxes(axes, keepDim) ?? DType switch
    {
        DType.Float32 => Reduce<float, float>(nameof(Sum), axes, keepDim, DType.Float32, r => TensorPrimitives.Sum(r)),
        DType.Float64 =>
            Reduce<double, double>(nameof(Sum), axes, keepDim, DType.Float64, r => TensorPrimitives.Sum(r)),
        DType.Int32 => Reduce<int, int>(nameof(Sum), axes, keepDim, DType.Int32, SumInt),
        _ => throw Unsupported(nameof(Sum), this, "float32, float64 or int32"),
    };

    /// <summary>Sum over one axis.</summary>
    public Tensor Sum(int axis, bool keepDim = false) => Sum([axis], keepDim);

    /// <summary>
    /// Mean over <paramref name="axes"/> (null: all); NaN for an empty reduction (floating point only).
    /// </summary>
    public Tensor Mean(int[]? axes = null, bool keepDim = false) => DType switch
    {
        DType.Float32 =>
            Reduce<float, float>(nameof(Mean), axes, keepDim, DType.Float32, r => TensorPrimitives.Sum(r) / r.Length),
        DType.Float64 =>
            Reduce<double, double>(nameof(Mean), axes, keepDim, DType.Float64, r => TensorPrimitives.Sum(r) / r.Length),
        _ => throw Unsupported(nameof(Mean), this, "float32 or float64"),
    };

    /// <summary>Mean over one axis.</summary>
    public Tensor Mean(int axis, bool keepDim = false) => Mean([axis], keepDim);

    /// <summary>Maximum over <paramref name="axes"/> (null: all); NaN propagates; an empty reduction throws.</summary>
    public Tensor Max(int[]? axes = null, bool keepDim = false) => DType switch
    {
        DType.Float32 => Reduce<float, float>(nameof(Max), axes, keepDim, DType.Float32, r => TensorPrimitives.Max(r),
            nonEmpty: true),
        DType.Float64 => Reduce<double, double>(nameof(Max), axes, keepDim, DType.Float64, r => TensorPrimitives.Max(r),
            nonEmpty: true),
        DType.Int32 =>
            Reduce<int, int>(nameof(Max), axes, keepDim, DType.Int32, r => TensorPrimitives.Max(r), nonEmpty: true),
        _ => throw Unsupported(nameof(Max), this, "float32, float64 or int32"),
    };

    /// <summary>Maximum over one axis.</summary>
    public Tensor Max(int axis, bool keepDim = false) => Max([axis], keepDim);

    /// <summary>Minimum over <paramref name="axes"/> (null: all); NaN propagates; an empty reduction throws.</summary>
    public Tensor Min(int[]? axes = null, bool keepDim = false) => DType switch
    {
        DType.Float32 => Reduce<float, float>(nameof(Min), axes, keepDim, DType.Float32, r => TensorPrimitives.Min(r),
            nonEmpty: true),
        DType.Float64 => Reduce<double, double>(nameof(Min), axes, keepDim, DType.Float64, r => TensorPrimitives.Min(r),
            nonEmpty: true),
        DType.Int32 =>
            Reduce<int, int>(nameof(Min), axes, keepDim, DType.Int32, r => TensorPrimitives.Min(r), nonEmpty: true),
        _ => throw Unsupported(nameof(Min), this, "float32, float64 or int32"),
    };

    /// <summary>Minimum over one axis.</summary>
    public Tensor Min(int axis, bool keepDim = false) => Min([axis], keepDim);

    /// <summary>Index (int32) of the first maximum along <paramref name="axis"/> (the first NaN, if any).</summary>
    public Tensor ArgMax(int axis, bool keepDim = false) => DType switch
    {
        DType.Float32 => Reduce<float, int>(nameof(ArgMax), [axis], keepDim, DType.Int32,
            r => TensorPrimitives.IndexOfMax(r), nonEmpty: true),
        DType.Float64 => Reduce<double, int>(nameof(ArgMax), [axis], keepDim, DType.Int32,
            r => TensorPrimitives.IndexOfMax(r), nonEmpty: true),
        DType.Int32 => Reduce<int, int>(nameof(ArgMax), [axis], keepDim, DType.Int32,
            r => TensorPrimitives.IndexOfMax(r), nonEmpty: true),
        _ => throw Unsupported(nameof(ArgMax), this, "float32, float64 or int32"),
    };

    /// <summary>
    /// Variance over <paramref name="axes"/> (null: all), divided by n, or n-1 when <paramref name="unbiased"/>.
    /// </summary>
    public Tensor Variance(int[]? axes = null, bool keepDim = false, bool unbiased = false) => DType switch
    {
        DType.Float32 =>
            Reduce<float, float>(nameof(Variance), axes, keepDim, DType.Float32, r => (float)RowVariance(r, unbiased)),
        DType.Float64 =>
            Reduce<double, double>(nameof(Variance), axes, keepDim, DType.Float64, r => RowVariance(r, unbiased)),
        _ => throw Unsupported(nameof(Variance), this, "float32 or float64"),
    };

    /// <summary>Variance over one axis.</summary>
    public Tensor Variance(int axis, bool keepDim = false, bool unbiased = false) =>
        Variance([axis], keepDim, unbiased);

    /// <summary>
    /// Sums this tensor (a broadcast result) back to <paramref name="shape"/>, a shape that broadcasts to this one:
    /// the gradient reduction for broadcasting. Returns this tensor itself when the shapes already match.
    /// </summary>
    public Tensor SumToShape(ReadOnlySpan<int> shape)
    {
        int lead = Rank - shape.Length;
        bool compatible = lead >= 0;
        for (int i = 0; i < shape.Length && compatible; i++) compatible = shape[i] == _shape[lead + i] || shape[i] == 1;
        if (!compatible)
            throw new ArgumentException(
                $"SumToShape: {Shapes.Format(shape)} does not broadcast to {Shapes.Format(_shape)}.", nameof(shape));
        var axes = new List<int>();
        for (int d = 0; d < Rank; d++)
            if (d < lead || (shape[d - lead] == 1 && _shape[d] != 1)) axes.Add(d);
        if (axes.Count == 0) return Rank == shape.Length ? this : Reshape(shape.ToArray());
        return Sum(axes.ToArray(), keepDim: true).Reshape(shape.ToArray());
    }

    // Summing leading axes of a contiguous tensor (bias gradients: [N, C] -> [C]) adds whole rows, with no transpose
    // copy.
    private Tensor? TrySumLeadingAxes(int[]? axes, bool keepDim)
    {
        if (axes is null || axes.Length == 0 || axes.Length >= Rank || !IsContiguous
            || DType is not (DType.Float32 or DType.Float64)) return null;
        var sorted = axes.Select(a => a < 0 ? a + Rank : a).Order().ToArray();
        for (int i = 0; i < sorted.Length; i++) if (sorted[i] != i) return null;
        HostStorage(nameof(Sum));
        var outShape = keepDim ? _shape.Select((s, d) => d < sorted.Length ? 1 : s).ToArray() : _shape[sorted.Length..];
        var result = Zeros(outShape, DType);
        if (DType == DType.Float32) AddRows(AsSpan<float>(), result.AsSpan<float>());
        else AddRows(AsSpan<double>(), result.AsSpan<double>());
        return result;
    }

    private static void AddRows<T>(ReadOnlySpan<T> rows, Span<T> sum) where T : System.Numerics.INumber<T>
    {
        if (sum.IsEmpty) return;
        for (int start = 0; start < rows.Length; start += sum.Length)
            TensorPrimitives.Add(sum, rows.Slice(start, sum.Length), sum);
    }

    private static int SumInt(ReadOnlySpan<int> row)
    {
        int s = 0;
        foreach (int v in row) s = unchecked(s + v);
        return s;
    }

    // Two-pass in double: accurate for float32 rows and stable for large offsets.
    private static double RowVariance<T>(ReadOnlySpan<T> row, bool unbiased) where T : System.Numerics.INumberBase<T>
    {
        if (row.IsEmpty) return double.NaN;
        double mean = 0;
        foreach (var v in row) mean += double.CreateTruncating(v);
        mean /= row.Length;
        double ss = 0;
        foreach (var v in row)
        {
            double dv = double.CreateTruncating(v) - mean;
            ss += dv * dv;
        }
        return ss / (row.Length - (unbiased ? 1 : 0));
    }

    private Tensor Reduce<T, TOut>(string op, int[]? axes, bool keepDim, DType outType, RowReducer<T, TOut> reduce,
        bool nonEmpty = false)
        where T : unmanaged where TOut : unmanaged
    {
        HostStorage(op);
        var reduced = new bool[Rank];
        if (axes is null) Array.Fill(reduced, true);
        else
        {
            foreach (int axis in axes)
            {
                int d = Shapes.NormalizeAxis(axis, Rank, op);
                if (reduced[d])
                    throw new ArgumentException($"{op}: axis {axis} appears twice in {Shapes.Format(axes)}.",
                        nameof(axes));
                reduced[d] = true;
            }
        }
        var order = Enumerable.Range(0, Rank).Where(d => !reduced[d])
            .Concat(Enumerable.Range(0, Rank).Where(d => reduced[d])).ToArray();
        int inner = 1;
        for (int d = 0; d < Rank; d++) if (reduced[d]) inner *= _shape[d];
        var outShape = keepDim
            ? _shape.Select((s, d) => reduced[d] ? 1 : s).ToArray()
            : _shape.Where((_, d) => !reduced[d]).ToArray();
        var result = Zeros(outShape, outType);
        if (result.ElementCount > 0 && inner == 0 && nonEmpty)
            throw new ArgumentException($"{op}: cannot reduce over an empty dimension (shape {Shapes.Format(_shape)}, "
                + $"axes {(axes is null ? "all" : Shapes.Format(axes))}).");
        var src = Permute(order).Contiguous().AsSpan<T>();
        var dst = result.AsSpan<TOut>();
        for (int o = 0; o < dst.Length; o++) dst[o] = reduce(src.Slice(o * inner, inner));
        return result;
    }
}

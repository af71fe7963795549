using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>exp(x - max) / sum(exp(x - max)) along <paramref name="axis"/> (numerically stable).</summary>
    public Tensor Softmax(int axis) => SoftmaxFamily(nameof(Softmax), axis, log: false);

    /// <summary>x - max - log(sum(exp(x - max))) along <paramref name="axis"/> (numerically stable).</summary>
    public Tensor LogSoftmax(int axis) => SoftmaxFamily(nameof(LogSoftmax), axis, log: true);

    private Tensor SoftmaxFamily(string op, int axis, bool log)
    {
        HostStorage(op);
        RequireFloat(op);
        int d = Shapes.NormalizeAxis(axis, Rank, op);
        int last = Rank - 1;
        var rows = Transpose(d, last).Contiguous();
        var result = Zeros(rows._shape, DType);
        int inner = _shape[d];
        if (inner > 0)
        {
            if (DType == DType.Float32) SoftmaxRows(rows.AsSpan<float>(), result.AsSpan<float>(), inner, log);
            else SoftmaxRows(rows.AsSpan<double>(), result.AsSpan<double>(), inner, log);
        }
        return d == last ? result : result.Transpose(d, last).Contiguous();
    }

    private static void SoftmaxRows<T>(ReadOnlySpan<T> x, Span<T> y, int inner, bool log)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start < x.Length; start += inner)
        {
            var row = x.Slice(start, inner);
            var outRow = y.Slice(start, inner);
            var max = TensorPrimitives.Max(row);
            // All -inf rows: shifting by 0 keeps exp finite (softmax then divides 0 by 0 = NaN, like torch).
            if (T.IsNegativeInfinity(max)) max = T.Zero;
            TensorPrimitives.Subtract(row, max, outRow);
            if (log)
            {
                // y = (x - max) - log(sum(exp(x - max))); exp into a scratch pass over the output first.
                T sum = T.Zero;
                foreach (var v in outRow) sum += T.Exp(v);
                TensorPrimitives.Subtract(outRow, T.Log(sum), outRow);
            }
            else
            {
                TensorPrimitives.Exp(outRow, outRow);
                TensorPrimitives.Divide(outRow, TensorPrimitives.Sum<T>(outRow), outRow);
            }
        }
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>Row-wise softmax and log-softmax input gradients over contiguous rows of length inner.</summary>
internal static class SoftmaxKernels
{
    /// <summary>
    /// Per row: dx = y (g - sum(g y)) (softmax), or dx = g - exp(y) sum(g) (log-softmax, y the log-probabilities).
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int inner, bool log, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (inner == 0) return;
        for (int at = 0; at < y.Length; at += inner)
        {
            var gRow = g.Slice(at, inner);
            var yRow = y.Slice(at, inner);
            var output = dx.Slice(at, inner);
            if (log)
            {
                TensorPrimitives.Exp(yRow, output);
                TensorPrimitives.Multiply(output, -TensorPrimitives.Sum(gRow), output);
                TensorPrimitives.Add(output, gRow, output);
            }
            else
            {
                TensorPrimitives.Subtract(gRow, TensorPrimitives.Dot(gRow, yRow), output);
                TensorPrimitives.Multiply(output, yRow, output);
            }
        }
    }
}

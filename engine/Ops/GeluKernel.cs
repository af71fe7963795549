using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>
/// GELU (tanh approximation) forward and its input gradient, vectorised with TensorPrimitives over chunks that stay
/// in L1: y = 0.5 x (1 + t), t = tanh(c (x + a x^3)), dy/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3 a x^2).
/// </summary>
internal static class GeluKernel
{
    private const int Chunk = 256;
    private const double A = 0.044715;
    private const double C = 0.7978845608028654; // sqrt(2/pi)

    /// <summary>y = gelu(x).</summary>
    public static void Forward<T>(ReadOnlySpan<T> x, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[Chunk];
        for (int i = 0; i < x.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, x.Length - i);
            var xs = x.Slice(i, n);
            var ts = t[..n];
            Tanh(xs, ts, default);
            TensorPrimitives.Add(ts, T.One, ts);
            TensorPrimitives.Multiply(ts, xs, ts);
            TensorPrimitives.Multiply(ts, T.CreateTruncating(0.5), y.Slice(i, n));
        }
    }

    /// <summary>dx = g * gelu'(x).</summary>
    public static void Backward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> dx)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> t = stackalloc T[Chunk];
        Span<T> squares = stackalloc T[Chunk];
        Span<T> slope = stackalloc T[Chunk];
        var half = T.CreateTruncating(0.5);
        for (int i = 0; i < x.Length; i += Chunk)
        {
            int n = Math.Min(Chunk, x.Length - i);
            var xs = x.Slice(i, n);
            var ts = t[..n];
            var x2 = squares[..n];
            var s = slope[..n];
            Tanh(xs, ts, x2);
            // s = 0.5 c x (1 - t^2) (1 + 3 a x^2)
            TensorPrimitives.Multiply(x2, T.CreateTruncating(3 * A), x2);
            TensorPrimitives.Add(x2, T.One, x2);
            TensorPrimitives.Multiply(ts, ts, s);
            TensorPrimitives.Subtract(T.One, s, s);
            TensorPrimitives.Multiply(s, x2, s);
            TensorPrimitives.Multiply(s, xs, s);
            TensorPrimitives.Multiply(s, T.CreateTruncating(0.5 * C), s);
            // dy/dx = 0.5 (1 + t) + s
            TensorPrimitives.Add(ts, T.One, ts);
            TensorPrimitives.Multiply(ts, half, ts);
            TensorPrimitives.Add(ts, s, ts);
            TensorPrimitives.Multiply(ts, g.Slice(i, n), dx.Slice(i, n));
        }
    }

    // t = tanh(c (x + a x^3)); also leaves x^2 in squares when it is not empty.
    private static void Tanh<T>(ReadOnlySpan<T> x, Span<T> t, Span<T> squares)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(x, x, t);
        if (!squares.IsEmpty) t.CopyTo(squares);
        TensorPrimitives.Multiply(t, T.CreateTruncating(A), t);
        TensorPrimitives.Add(t, T.One, t);
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.Multiply(t, T.CreateTruncating(C), t);
        TensorPrimitives.Tanh<T>(t, t);
    }
}

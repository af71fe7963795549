using System.Numerics;
using System.Runtime.InteropServices;

namespace Qail.Engine;

/// <summary>
/// sign(x) (1, -1, or x itself for zeros and NaN) and the ReLU gradient g * sign(y), with Vector&lt;T&gt; compares
/// and selects; the scalar tail applies the same expression, so both give the same bits.
/// </summary>
internal static class SignKernel
{
    /// <summary>y[i] = sign(x[i]).</summary>
    public static void Sign<T>(ReadOnlySpan<T> x, Span<T> y) where T : struct, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var xs = MemoryMarshal.Cast<T, Vector<T>>(x);
            var ys = MemoryMarshal.Cast<T, Vector<T>>(y);
            for (int v = 0; v < xs.Length; v++) ys[v] = Sign(xs[v]);
            i = xs.Length * Vector<T>.Count;
        }
        for (; i < x.Length; i++) y[i] = Sign(x[i]);
    }

    /// <summary>dx[i] = g[i] * sign(y[i]), the ReLU backward from its output y.</summary>
    public static void ReluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, Span<T> dx) where T : struct, INumber<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var gs = MemoryMarshal.Cast<T, Vector<T>>(g);
            var ys = MemoryMarshal.Cast<T, Vector<T>>(y);
            var ds = MemoryMarshal.Cast<T, Vector<T>>(dx);
            for (int v = 0; v < ys.Length; v++) ds[v] = gs[v] * Sign(ys[v]);
            i = ys.Length * Vector<T>.Count;
        }
        for (; i < y.Length; i++) dx[i] = g[i] * Sign(y[i]);
    }

    private static T Sign<T>(T x) where T : struct, INumber<T> => x > T.Zero ? T.One : x < T.Zero ? -T.One : x;

    private static Vector<T> Sign<T>(Vector<T> x) where T : struct, INumber<T>
    {
        var positive = Vector.GreaterThan(x, Vector<T>.Zero);
        var negative = Vector.LessThan(x, Vector<T>.Zero);
        return Vector.ConditionalSelect(positive, Vector<T>.One, Vector.ConditionalSelect(negative, -Vector<T>.One, x));
    }
}

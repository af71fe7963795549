using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Qail.Engine;

/// <summary>
/// Fake quantization and its LSQ gradients, one cell (a run of elements sharing a step s and zero point z) at a time,
/// in chunks that stay in L1. Every element goes through the same TensorPrimitives calls, in the same order, as the
/// composition of tensor ops it replaces (x / s, + u, round half to even, + z, max, min, - z, * s), so the values are
/// the same bits; only the intermediate full-size tensors are gone.
/// </summary>
internal static class FakeQuantizeKernel
{
    private const int Chunk = 256;

    /// <summary>
    /// y = (clamp(round(x / s + u) + z, qmin, qmax) - z) * s; <paramref name="noise"/> u may be empty.
    /// </summary>
    public static void Forward<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> noise, ReadOnlySpan<T> scale,
        ReadOnlySpan<T> zeroPoint, T qMin, T qMax, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> scaled = stackalloc T[Chunk];
        Span<T> codes = stackalloc T[Chunk];
        Span<T> centred = stackalloc T[Chunk];
        for (var chunks = new Chunks(x.Length, scale.Length); chunks.Next(out int c, out int start, out int n);)
        {
            Grid(x.Slice(start, n), noise.IsEmpty ? default : noise.Slice(start, n), scale[c], zeroPoint[c], qMin,
                qMax, scaled[..n], codes[..n], centred[..n]);
            TensorPrimitives.Multiply(centred[..n], scale[c], y.Slice(start, n));
        }
    }

    /// <summary>
    /// The clipped straight-through input gradient g * inside (into <paramref name="gradInput"/> unless empty) and the
    /// LSQ step gradient: per cell, the sum of g * ((q - z) - inside * x / s) * <paramref name="factor"/>, each term
    /// written to <paramref name="terms"/> (the input's length) and summed per cell into <paramref name="gradScale"/>
    /// (both skipped when empty). inside is 1 where round(x / s + u) + z lies in [qmin, qmax], else 0.
    /// </summary>
    public static void Backward<T>(ReadOnlySpan<T> gradOutput, ReadOnlySpan<T> x, ReadOnlySpan<T> noise,
        ReadOnlySpan<T> scale, ReadOnlySpan<T> zeroPoint, T qMin, T qMax, T factor, Span<T> gradInput, Span<T> terms,
        Span<T> gradScale) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> scaled = stackalloc T[Chunk];
        Span<T> codes = stackalloc T[Chunk];
        Span<T> centred = stackalloc T[Chunk];
        for (var chunks = new Chunks(x.Length, scale.Length); chunks.Next(out int c, out int start, out int n);)
        {
            Span<T> s = scaled[..n], q = centred[..n], inside = codes[..n];
            var g = gradOutput.Slice(start, n);
            Grid(x.Slice(start, n), noise.IsEmpty ? default : noise.Slice(start, n), scale[c], zeroPoint[c], qMin,
                qMax, s, inside, q);
            Inside(inside, qMin, qMax);
            if (!gradInput.IsEmpty) TensorPrimitives.Multiply(g, inside, gradInput.Slice(start, n));
            if (gradScale.IsEmpty) continue;
            TensorPrimitives.Multiply(s, inside, s);
            TensorPrimitives.Subtract(q, s, q);
            TensorPrimitives.Multiply(g, q, q);
            TensorPrimitives.Multiply(q, factor, terms.Slice(start, n));
        }
        if (gradScale.IsEmpty) return;
        // A one-element cell is its term (a sum would turn -0 into +0; the composition did not sum it).
        int cell = x.Length / scale.Length;
        for (int c = 0; c < scale.Length; c++)
            gradScale[c] = cell == 1 ? terms[c] : TensorPrimitives.Sum(terms.Slice(c * cell, cell));
    }

    // Walks (cell, start, length) over every chunk: the cells in order, each cut into runs of at most Chunk elements.
    // A struct, so the per-step inference path allocates no iterator.
    private struct Chunks(int length, int cells)
    {
        private readonly int _cell = cells == 0 ? 0 : length / cells;
        private int _c, _i;

        public bool Next(out int cell, out int start, out int count)
        {
            while (_c < cells && _i >= _cell) (_c, _i) = (_c + 1, 0);
            (cell, start, count) = (_c, _c * _cell + _i, Math.Min(Chunk, _cell - _i));
            _i += Chunk;
            return _c < cells;
        }
    }

    // scaled = x / s, codes = round(scaled + u) + z, centred = clamp(codes, qmin, qmax) - z.
    private static void Grid<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> noise, T s, T z, T qMin, T qMax, Span<T> scaled,
        Span<T> codes, Span<T> centred) where T : unmanaged, IFloatingPointIeee754<T>
    {
        TensorPrimitives.Divide(x, s, scaled);
        if (noise.IsEmpty) TensorPrimitives.Round(scaled, MidpointRounding.ToEven, codes);
        else
        {
            TensorPrimitives.Add(scaled, noise, codes);
            TensorPrimitives.Round(codes, MidpointRounding.ToEven, codes);
        }
        TensorPrimitives.Add(codes, z, codes);
        TensorPrimitives.Max(codes, qMin, centred);
        TensorPrimitives.Min(centred, qMax, centred);
        TensorPrimitives.Subtract(centred, z, centred);
    }

    // codes[i] becomes 1 where qmin <= codes[i] <= qmax, else 0 (NaN: 0), as the two compares' product did.
    private static void Inside<T>(Span<T> codes, T qMin, T qMax) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            var (low, high) = (new Vector<T>(qMin), new Vector<T>(qMax));
            var vectors = MemoryMarshal.Cast<T, Vector<T>>(codes);
            for (int v = 0; v < vectors.Length; v++)
            {
                var within = Vector.GreaterThanOrEqual(vectors[v], low) & Vector.LessThanOrEqual(vectors[v], high);
                vectors[v] = Vector.ConditionalSelect(within, Vector<T>.One, Vector<T>.Zero);
            }
            i = vectors.Length * Vector<T>.Count;
        }
        for (; i < codes.Length; i++) codes[i] = codes[i] >= qMin && codes[i] <= qMax ? T.One : T.Zero;
    }
}

using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Qail.Engine;

/// <summary>Sizes of one group's im2col: C planes of H x W unfolded by a kH x kW kernel to OH x OW columns.</summary>
internal readonly record struct Im2ColGeometry(int C, int H, int W, int KH, int KW, int OH, int OW, int StrideH,
    int StrideW, int PaddingH, int PaddingW, int DilationH, int DilationW)
{
    /// <summary>
    /// The output columns [start, end) whose input column ow * StrideW - PaddingW + kj * DilationW lies inside the
    /// image; the others read padding.
    /// </summary>
    /// <summary>
    /// Stride 1 and output rows as wide as the input's: each col row is the input plane moved by one offset.
    /// </summary>
    public bool IsShiftedPlane => StrideH == 1 && StrideW == 1 && OW == W;

    /// <summary>
    /// The output rows [first, last) whose input row oh * StrideH - PaddingH + ki * DilationH lies inside the image.
    /// </summary>
    public (int First, int Last) ValidRows(int ki)
    {
        int shift = ki * DilationH - PaddingH;
        int first = shift >= 0 ? 0 : (-shift + StrideH - 1) / StrideH;
        int lastRow = H - 1 - shift;
        int last = lastRow < 0 ? 0 : Math.Min(OH, lastRow / StrideH + 1);
        first = Math.Min(first, OH);
        return (first, Math.Max(first, last));
    }

        public (int Start, int End) ValidColumns(int kj)
    {
        int shift = kj * DilationW - PaddingW;
        int start = shift >= 0 ? 0 : (-shift + StrideW - 1) / StrideW;
        int last = W - 1 - shift;
        int end = last < 0 ? 0 : Math.Min(OW, last / StrideW + 1);
        start = Math.Min(start, OW);
        return (start, Math.Max(start, end));
    }
}

/// <summary>
/// Unfold (im2col) and its adjoint fold (col2im) of one sample's group of planes, row by row: the valid span of each
/// output row is one block copy (stride 1) or a strided gather, padding is cleared in bulk, and fold adds with SIMD.
/// </summary>
internal static class Im2Col
{
    /// <summary>
    /// Unfolds the planes at <paramref name="inOffset"/> of x into col rows r = (c kH + ki) kW + kj, each written to
    /// col[r ld + column .. + OH OW].
    /// </summary>
    public static void Unfold<T>(ReadOnlySpan<T> x, long inOffset, Im2ColGeometry g, Span<T> col, int ld, int column)
        where T : unmanaged, INumber<T>
    {
        int length = g.OH * g.OW;
        for (int c = 0; c < g.C; c++)
        {
            var plane = x.Slice((int)(inOffset + (long)c * g.H * g.W), g.H * g.W);
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * ld + column, length);
                    var (start, end) = g.ValidColumns(kj);
                    int shift = kj * g.DilationW - g.PaddingW;
                    if (g.IsShiftedPlane)
                    {
                        UnfoldShifted(plane, g, ki, start, end, shift, row);
                        continue;
                    }
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PaddingH + ki * g.DilationH;
                        var outRow = row.Slice(oh * g.OW, g.OW);
                        if (ih < 0 || ih >= g.H || start == end)
                        {
                            outRow.Clear();
                            continue;
                        }
                        outRow[..start].Clear();
                        outRow[end..].Clear();
                        var source = plane.Slice(ih * g.W);
                        if (g.StrideW == 1)
                        {
                            source.Slice(start + shift, end - start).CopyTo(outRow[start..end]);
                        }
                        else
                        {
                            Gather(source[(start * g.StrideW + shift)..], g.StrideW, outRow[start..end]);
                        }
                    }
                }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>: adds col rows (at column, stride ld) into dx's planes at inOffset.
    /// The values col holds for padding positions may be cleared on the way (col is the caller's scratch).
    /// </summary>
    public static void Fold<T>(Span<T> col, int ld, int column, Im2ColGeometry g, Span<T> dx, long inOffset)
        where T : unmanaged, INumber<T>
    {
        int length = g.OH * g.OW;
        for (int c = 0; c < g.C; c++)
        {
            var plane = dx.Slice((int)(inOffset + (long)c * g.H * g.W), g.H * g.W);
            for (int ki = 0; ki < g.KH; ki++)
                for (int kj = 0; kj < g.KW; kj++)
                {
                    var row = col.Slice(((c * g.KH + ki) * g.KW + kj) * ld + column, length);
                    var (start, end) = g.ValidColumns(kj);
                    if (start == end) continue;
                    int shift = kj * g.DilationW - g.PaddingW;
                    if (g.IsShiftedPlane)
                    {
                        FoldShifted(row, g, ki, start, end, shift, plane);
                        continue;
                    }
                    for (int oh = 0; oh < g.OH; oh++)
                    {
                        int ih = oh * g.StrideH - g.PaddingH + ki * g.DilationH;
                        if (ih < 0 || ih >= g.H) continue;
                        var inRow = row.Slice(oh * g.OW, g.OW);
                        var target = plane.Slice(ih * g.W);
                        if (g.StrideW == 1)
                        {
                            var span = target.Slice(start + shift, end - start);
                            TensorPrimitives.Add(span, inRow[start..end], span);
                        }
                        else
                        {
                            for (int ow = start, iw = start * g.StrideW + shift; ow < end; ow++, iw += g.StrideW)
                                target[iw] += inRow[ow];
                        }
                    }
                }
        }
    }
    // Stride 1 with rows as wide as the input's: the valid rows of a col row are the input plane moved by one offset,
    // so they are one block copy; the columns that read padding (which the copy filled from the neighbouring row)
    // are then cleared, |shift| values per row.
    private static void UnfoldShifted<T>(ReadOnlySpan<T> plane, Im2ColGeometry g, int ki, int start, int end,
        int shift, Span<T> row) where T : unmanaged, INumber<T>
    {
        var (first, last) = g.ValidRows(ki);
        if (start == end || first == last)
        {
            row.Clear();
            return;
        }
        int w = g.W;
        row[..(first * w)].Clear();
        row[(last * w)..].Clear();
        var (target, source, count) = ShiftedBlock(g, ki, first, last, shift);
        plane.Slice(source, count).CopyTo(row.Slice(target, count));
        ClearPaddingColumns(row, w, first, last, start, end);
    }

    // The adjoint of UnfoldShifted: clears the padding columns' values, then adds the valid rows as one block.
    private static void FoldShifted<T>(Span<T> row, Im2ColGeometry g, int ki, int start, int end, int shift,
        Span<T> plane) where T : unmanaged, INumber<T>
    {
        var (first, last) = g.ValidRows(ki);
        if (first == last) return;
        ClearPaddingColumns(row, g.W, first, last, start, end);
        var (target, source, count) = ShiftedBlock(g, ki, first, last, shift);
        var span = plane.Slice(source, count);
        TensorPrimitives.Add(span, row.Slice(target, count), span);
    }

    // The block of a shifted col row (from output row first to last) and the plane offset it maps to, less the
    // elements before the plane's start or past its end (those lie in padding columns).
    private static (int Target, int Source, int Count) ShiftedBlock(Im2ColGeometry g, int ki, int first, int last,
        int shift)
    {
        int w = g.W;
        int target = first * w, count = (last - first) * w;
        int source = target + (ki * g.DilationH - g.PaddingH) * w + shift;
        int skip = Math.Max(0, -source), over = Math.Max(0, source + count - g.H * w);
        return (target + skip, source + skip, count - skip - over);
    }

    private static void ClearPaddingColumns<T>(Span<T> row, int w, int first, int last, int start, int end)
        where T : unmanaged, INumber<T>
    {
        if (start == 0 && end == w) return;
        for (int oh = first; oh < last; oh++)
        {
            var outRow = row.Slice(oh * w, w);
            outRow[..start].Clear();
            outRow[end..].Clear();
        }
    }

    // target[i] = source[i * stride]; float rows of stride 2 take 16 values per AVX-512 two-register permute.
    private static void Gather<T>(ReadOnlySpan<T> source, int stride, Span<T> target) where T : unmanaged
    {
        int i = 0;
        if (typeof(T) == typeof(float) && stride == 2 && Avx512F.IsSupported)
        {
            var from = MemoryMarshal.Cast<T, float>(source);
            var to = MemoryMarshal.Cast<T, float>(target);
            var evens = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; i + 16 <= to.Length && 2 * i + 32 <= from.Length; i += 16)
            {
                var low = Vector512.Create(from.Slice(2 * i, 16));
                var high = Vector512.Create(from.Slice(2 * i + 16, 16));
                Avx512F.PermuteVar16x32x2(low, evens, high).CopyTo(to.Slice(i, 16));
            }
        }
        for (; i < target.Length; i++) target[i] = source[i * stride];
    }
}

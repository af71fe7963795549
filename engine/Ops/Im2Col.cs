using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

/// <summary>Sizes of one group's im2col: C planes of H x W unfolded by a kH x kW kernel to OH x OW columns.</summary>
internal readonly record struct Im2ColGeometry(int C, int H, int W, int KH, int KW, int OH, int OW, int StrideH,
    int StrideW, int PaddingH, int PaddingW, int DilationH, int DilationW)
{
    /// <summary>
    /// The output columns [start, end) whose input column ow * StrideW - PaddingW + kj * DilationW lies inside the
    /// image; the others read padding.
    /// </summary>
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
                            for (int ow = start, iw = start * g.StrideW + shift; ow < end; ow++, iw += g.StrideW)
                                outRow[ow] = source[iw];
                        }
                    }
                }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Unfold{T}"/>: adds col rows (at column, stride ld) into dx's planes at inOffset.
    /// </summary>
    public static void Fold<T>(ReadOnlySpan<T> col, int ld, int column, Im2ColGeometry g, Span<T> dx, long inOffset)
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
}

using System.Runtime.InteropServices;

namespace Qail.Engine;

/// <summary>
/// Copies and converts between strided CPU views, walking the source in row-major order (same-type copies move
/// contiguous rows as blocks).
/// </summary>
internal static class StridedCopy
{
    /// <summary>
    /// Copies <paramref name="source"/> into the same-shaped <paramref name="destination"/>, converting element types.
    /// </summary>
    public static void Copy(Tensor source, Tensor destination)
    {
        if (!Shapes.Equal(source.ShapeSpan, destination.ShapeSpan))
            throw new ArgumentException($"Copy: shapes {Shapes.Format(source.ShapeSpan)} and "
                + $"{Shapes.Format(destination.ShapeSpan)} differ.");
        if (source.DType == DType.Int4Packed || destination.DType == DType.Int4Packed)
            throw new ArgumentException(
                "Copy: packed int4 tensors are converted by the quantization kernels, not by Copy.");
        switch (source.DType)
        {
            case DType.Float32: CopyFrom<float>(source, destination); break;
            case DType.Float64: CopyFrom<double>(source, destination); break;
            case DType.Int32: CopyFrom<int>(source, destination); break;
            case DType.Int8: CopyFrom<sbyte>(source, destination); break;
            case DType.UInt8: CopyFrom<byte>(source, destination); break;
        }
    }

    private static void CopyFrom<TSrc>(Tensor source, Tensor destination)
        where TSrc : unmanaged, System.Numerics.INumberBase<TSrc>
    {
        switch (destination.DType)
        {
            case DType.Float32: Walk<TSrc, float>(source, destination); break;
            case DType.Float64: Walk<TSrc, double>(source, destination); break;
            case DType.Int32: Walk<TSrc, int>(source, destination); break;
            case DType.Int8: Walk<TSrc, sbyte>(source, destination); break;
            case DType.UInt8: Walk<TSrc, byte>(source, destination); break;
        }
    }

    // Dims laid out back to back in both views merge into one; where the merged innermost dim is unit-stride in both
    // and the types match (a permuted [N, C, H, W] keeps H x W rows), each row is one block copy. Float-to-integer
    // conversion truncates toward zero and saturates (CreateSaturating); NaN becomes 0.
    private static void Walk<TSrc, TDst>(Tensor source, Tensor destination)
        where TSrc : unmanaged, System.Numerics.INumberBase<TSrc>
        where TDst : unmanaged, System.Numerics.INumberBase<TDst>
    {
        if (source.ElementCount == 0) return;
        var src = source.HostStorage("Copy").AsSpan<TSrc>();
        var dst = destination.HostStorage("Copy").AsSpan<TDst>();
        int maxRank = source.Rank;
        Span<long> shape = stackalloc long[maxRank], ss = stackalloc long[maxRank], ds = stackalloc long[maxRank];
        int rank = Coalesce(source.ShapeSpan, source.StridesSpan, destination.StridesSpan, shape, ss, ds);
        long sBase = source.Offset, dBase = destination.Offset;
        if (rank == 0)
        {
            dst[(int)dBase] = TDst.CreateSaturating(src[(int)sBase]);
            return;
        }
        int inner = (int)shape[rank - 1];
        long sInner = ss[rank - 1], dInner = ds[rank - 1];
        bool blocks = typeof(TSrc) == typeof(TDst) && sInner == 1 && dInner == 1;
        Span<long> index = stackalloc long[rank];
        index.Clear();
        while (true)
        {
            if (blocks)
                MemoryMarshal.Cast<TSrc, TDst>(src.Slice((int)sBase, inner)).CopyTo(dst.Slice((int)dBase, inner));
            else
                for (long j = 0, si = sBase, di = dBase; j < inner; j++, si += sInner, di += dInner)
                    dst[(int)di] = TDst.CreateSaturating(src[(int)si]);
            int d = rank - 2;
            for (; d >= 0; d--)
            {
                index[d]++;
                sBase += ss[d];
                dBase += ds[d];
                if (index[d] < shape[d]) break;
                sBase -= ss[d] * shape[d];
                dBase -= ds[d] * shape[d];
                index[d] = 0;
            }
            if (d < 0) return;
        }
    }

    // Drops size-1 dims and merges dim d into d - 1 where both views step over d - 1 by exactly one run of d; writes
    // the merged sizes and strides and returns how many dims remain.
    private static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> source, ReadOnlySpan<int> destination,
        Span<long> sizes, Span<long> ss, Span<long> ds)
    {
        int count = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] == 1) continue;
            int last = count - 1;
            if (last >= 0 && ss[last] == (long)source[d] * shape[d] && ds[last] == (long)destination[d] * shape[d])
            {
                (sizes[last], ss[last], ds[last]) = (sizes[last] * shape[d], source[d], destination[d]);
                continue;
            }
            (sizes[count], ss[count], ds[count]) = (shape[d], source[d], destination[d]);
            count++;
        }
        return count;
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Picks the slices at <paramref name="indices"/> (int32, 1-D) along <paramref name="axis"/>; that dim becomes
    /// indices.Length.
    /// </summary>
    public Tensor IndexSelect(int axis, Tensor indices)
    {
        const string op = nameof(IndexSelect);
        HostStorage(op);
        RequireNotPacked(op);
        int d = Shapes.NormalizeAxis(axis, Rank, op);
        var idx = ReadIndices(op, indices, d, _shape[d], vector: true);
        var (outer, size, inner) = SplitAt(d);
        var shape = ShapeToArray();
        shape[d] = idx.Length;
        var result = Zeros(shape, DType);
        var src = Contiguous();
        var srcData = src.HostStorage().Data;
        var dstData = result.HostStorage().Data;
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
                Array.Copy(srcData, src.Offset + ((long)o * size + idx[i]) * inner, dstData,
                    ((long)o * idx.Length + i) * inner, inner);
        return result;
    }

    /// <summary>
    /// This tensor plus <paramref name="source"/> accumulated at <paramref name="indices"/> along
    /// <paramref name="axis"/> (a new tensor; repeated indices add up). source has this shape with dim axis =
    /// indices.Length. The scatter twin of <see cref="IndexSelect"/>.
    /// </summary>
    public Tensor IndexAdd(int axis, Tensor indices, Tensor source)
    {
        const string op = nameof(IndexAdd);
        ArgumentNullException.ThrowIfNull(source);
        HostStorage(op);
        source.HostStorage(op);
        CheckSameDType(op, this, source);
        RequireNumeric(op);
        int d = Shapes.NormalizeAxis(axis, Rank, op);
        var idx = ReadIndices(op, indices, d, _shape[d], vector: true);
        var expected = ShapeToArray();
        expected[d] = idx.Length;
        if (!Shapes.Equal(expected, source.ShapeSpan))
            throw new ArgumentException($"IndexAdd: source shape {Shapes.Format(source.ShapeSpan)} must be "
                + $"{Shapes.Format(expected)} (this {Shapes.Format(_shape)} with {idx.Length} indices on axis {d}).",
                nameof(source));
        return DType switch
        {
            DType.Float32 => IndexAddTyped<float>(d, idx, source),
            DType.Float64 => IndexAddTyped<double>(d, idx, source),
            _ => IndexAddTyped<int>(d, idx, source),
        };
    }

    /// <summary>
    /// torch.gather: out[i][j][k] = this[i][index[i][j][k]][k] for axis 1; index (int32) has this rank and no larger
    /// dims off the axis.
    /// </summary>
    public Tensor Gather(int axis, Tensor index)
    {
        const string op = nameof(Gather);
        HostStorage(op);
        RequireNotPacked(op);
        int d = Shapes.NormalizeAxis(axis, Rank, op);
        var idx = ReadIndices(op, index, d, _shape[d], vector: false);
        CheckScatterShapes(op, index, d, this, "input");
        var result = Zeros(index._shape, DType);
        var src = HostStorage().Data;
        var dst = result.HostStorage().Data;
        ForEachScatter(index._shape, d, idx, _strides, Offset, result._strides, 0,
            (s, t) => Array.Copy(src, s, dst, t, 1));
        return result;
    }

    /// <summary>
    /// This tensor plus <paramref name="source"/> added at <paramref name="index"/> along <paramref name="axis"/>
    /// (torch.scatter_add, a new tensor): out[i][index[i][j][k]][k] += source[i][j][k] for axis 1. The scatter twin of
    /// <see cref="Gather"/>.
    /// </summary>
    public Tensor ScatterAdd(int axis, Tensor index, Tensor source)
    {
        const string op = nameof(ScatterAdd);
        ArgumentNullException.ThrowIfNull(source);
        HostStorage(op);
        source.HostStorage(op);
        CheckSameDType(op, this, source);
        RequireNumeric(op);
        int d = Shapes.NormalizeAxis(axis, Rank, op);
        var idx = ReadIndices(op, index, d, _shape[d], vector: false);
        CheckScatterShapes(op, index, d, this, "this");
        if (source.Rank != index.Rank || index._shape.Where((s, i) => s > source._shape[i]).Any())
            throw new ArgumentException($"ScatterAdd: index shape {Shapes.Format(index.ShapeSpan)} exceeds source "
                + $"shape {Shapes.Format(source.ShapeSpan)}.", nameof(source));
        var result = Clone();
        switch (DType)
        {
            case DType.Float32: ScatterAddTyped<float>(d, idx, index._shape, source, result); break;
            case DType.Float64: ScatterAddTyped<double>(d, idx, index._shape, source, result); break;
            default: ScatterAddTyped<int>(d, idx, index._shape, source, result); break;
        }
        return result;
    }

    /// <summary>
    /// Rows of <paramref name="weight"/> [vocab, dim] at <paramref name="indices"/> (int32, any shape): result is
    /// indices.shape + [dim].
    /// </summary>
    public static Tensor Embedding(Tensor weight, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(indices);
        if (weight.Rank != 2)
            throw new ArgumentException(
                $"Embedding: weight must be [vocab, dim], got {Shapes.Format(weight.ShapeSpan)}.", nameof(weight));
        if (indices.DType != DType.Int32)
            throw new ArgumentException($"Embedding: indices must be int32, got {indices.DType.Name()} (shape "
                + $"{Shapes.Format(indices.ShapeSpan)}).", nameof(indices));
        return weight.IndexSelect(0, indices.Reshape(-1)).Reshape([.. indices.ShapeSpan, weight._shape[1]]);
    }

    /// <summary>
    /// One-hot encoding: indices (int32, any shape) in [0, classes) become indices.shape + [classes] of 0/1.
    /// </summary>
    public static Tensor OneHot(Tensor indices, int classes, DType dtype = DType.Float32)
    {
        const string op = nameof(OneHot);
        if (classes <= 0)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "OneHot: classes must be positive.");
        var idx = ReadIndices(op, indices, -1, classes, vector: false);
        var codes = new double[idx.Length * (long)classes];
        for (int i = 0; i < idx.Length; i++) codes[(long)i * classes + idx[i]] = 1;
        return From<double>(codes, [.. indices.ShapeSpan, classes]).Cast(dtype);
    }

    private void RequireNotPacked(string op)
    {
        if (DType == DType.Int4Packed) throw Unsupported(op, this, "an unpacked dtype");
    }

    // Reads int32 indices in row-major order and checks each lies in [0, size).
    private static int[] ReadIndices(string op, Tensor indices, int axis, int size, bool vector)
    {
        ArgumentNullException.ThrowIfNull(indices);
        indices.HostStorage(op);
        if (indices.DType != DType.Int32)
            throw new ArgumentException($"{op}: indices must be int32, got {indices.DType.Name()} (shape "
                + $"{Shapes.Format(indices.ShapeSpan)}).", nameof(indices));
        if (vector && indices.Rank > 1)
            throw new ArgumentException($"{op}: indices must be 1-D, got shape {Shapes.Format(indices.ShapeSpan)}.",
                nameof(indices));
        var values = indices.ToArray<int>();
        foreach (int v in values)
        {
            if (v < 0 || v >= size)
            {
                string where = axis < 0 ? "classes" : $"axis {axis} of size";
                throw new ArgumentOutOfRangeException(nameof(indices), v,
                    $"{op}: index {v} is out of range for {where} {size}.");
            }
        }
        return values;
    }

    private static void CheckScatterShapes(string op, Tensor index, int axis, Tensor target, string name)
    {
        bool ok = index.Rank == target.Rank;
        for (int i = 0; i < index.Rank && ok; i++) ok = i == axis || index._shape[i] <= target._shape[i];
        if (!ok)
            throw new ArgumentException(
                $"{op}: index shape {Shapes.Format(index.ShapeSpan)} must have the rank of {name} "
                + $"{Shapes.Format(target.ShapeSpan)} and no larger dims except on axis {axis}.", nameof(index));
    }

    private (int Outer, int Size, int Inner) SplitAt(int d)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= _shape[i];
        for (int i = d + 1; i < Rank; i++) inner *= _shape[i];
        return (outer, _shape[d], inner);
    }

    private Tensor IndexAddTyped<T>(int d, int[] idx, Tensor source) where T : unmanaged, INumber<T>
    {
        var result = Clone();
        var (outer, size, inner) = SplitAt(d);
        var dst = result.AsSpan<T>();
        var src = source.Contiguous().AsSpan<T>();
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < idx.Length; i++)
            {
                var row = dst.Slice((o * size + idx[i]) * inner, inner);
                TensorPrimitives.Add(row, src.Slice((o * idx.Length + i) * inner, inner), row);
            }
        }
        return result;
    }

    private static void ScatterAddTyped<T>(int d, int[] idx, int[] indexShape, Tensor source, Tensor result)
        where T : unmanaged, INumber<T>
    {
        var src = source.HostStorage().AsArray<T>();
        var dst = result.HostStorage().AsArray<T>();
        // Walk the index; the source element shares its position, the target swaps in the index value on axis d.
        ForEachScatter(indexShape, d, idx, result._strides, result.Offset, source._strides, source.Offset,
            (t, s) => dst[t] += src[s]);
    }

    // Visits every position p of an index tensor (row-major): calls visit(offset in A of p with p[axis] = idx[p],
    // offset in B of p).
    private static void ForEachScatter(int[] shape, int axis, int[] idx, int[] stridesA, long offsetA, int[] stridesB,
        long offsetB, Action<int, int> visit)
    {
        int rank = shape.Length;
        var pos = new int[rank];
        for (int flat = 0; flat < idx.Length; flat++)
        {
            long a = offsetA, b = offsetB;
            for (int i = 0; i < rank; i++)
            {
                a += (long)(i == axis ? idx[flat] : pos[i]) * stridesA[i];
                b += (long)pos[i] * stridesB[i];
            }
            visit((int)a, (int)b);
            for (int i = rank - 1; i >= 0; i--)
            {
                if (++pos[i] < shape[i]) break;
                pos[i] = 0;
            }
        }
    }
}

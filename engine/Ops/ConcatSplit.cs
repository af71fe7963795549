namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Joins tensors along an existing <paramref name="axis"/>; all other dims and the dtype must match.
    /// </summary>
    public static Tensor Concat(IReadOnlyList<Tensor> tensors, int axis)
    {
        const string op = nameof(Concat);
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Concat: needs at least one tensor.", nameof(tensors));
        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors), "Concat: tensor 0 is null.");
        if (first.Rank == 0)
            throw new ArgumentException("Concat: scalars cannot be concatenated; Stack them instead.", nameof(tensors));
        int d = Shapes.NormalizeAxis(axis, first.Rank, op);
        int total = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Concat: tensor {i} is null.");
            t.HostStorage(op);
            CheckSameDType(op, first, t);
            bool ok = t.Rank == first.Rank;
            for (int j = 0; j < first.Rank && ok; j++) ok = j == d || t._shape[j] == first._shape[j];
            if (!ok)
                throw new ArgumentException(
                    $"Concat: shapes {Shapes.Format(first.ShapeSpan)} and {Shapes.Format(t.ShapeSpan)} (tensor {i}) "
                    + $"differ outside axis {d}.", nameof(tensors));
            total += t._shape[d];
        }
        var shape = first.ShapeToArray();
        shape[d] = total;
        var result = Zeros(shape, first.DType);
        int start = 0;
        foreach (var t in tensors)
        {
            t.CopyTo(result.Slice(d, start, start + t._shape[d]));
            start += t._shape[d];
        }
        return result;
    }

    /// <summary>Joins same-shaped tensors along a new dimension inserted at <paramref name="axis"/>.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, int axis)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0) throw new ArgumentException("Stack: needs at least one tensor.", nameof(tensors));
        var first = tensors[0] ?? throw new ArgumentNullException(nameof(tensors), "Stack: tensor 0 is null.");
        int d = Shapes.NormalizeAxis(axis, first.Rank + 1, nameof(Stack));
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Stack: tensor {i} is null.");
            if (!Shapes.Equal(t.ShapeSpan, first.ShapeSpan))
                throw new ArgumentException($"Stack: shapes {Shapes.Format(first.ShapeSpan)} and "
                    + $"{Shapes.Format(t.ShapeSpan)} (tensor {i}) differ.", nameof(tensors));
        }
        return Concat(tensors.Select(t => t.Unsqueeze(d)).ToArray(), d);
    }

    /// <summary>
    /// Splits into views of the given sizes along <paramref name="axis"/>; the sizes must sum to that dim.
    /// </summary>
    public Tensor[] Split(int[] sizes, int axis)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Shapes.NormalizeAxis(axis, Rank, nameof(Split));
        if (sizes.Any(s => s < 0) || sizes.Sum() != _shape[d])
            throw new ArgumentException($"Split: sizes {Shapes.Format(sizes)} must be non-negative and sum to "
                + $"{_shape[d]} (dim {d} of {Shapes.Format(_shape)}).", nameof(sizes));
        var parts = new Tensor[sizes.Length];
        int start = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            parts[i] = Slice(d, start, start + sizes[i]);
            start += sizes[i];
        }
        return parts;
    }

    /// <summary>
    /// Splits into <paramref name="chunks"/> views of ceil(size/chunks) along <paramref name="axis"/> (the last may be
    /// smaller; fewer when the dim is short).
    /// </summary>
    public Tensor[] Chunk(int chunks, int axis)
    {
        if (chunks <= 0)
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "Chunk: chunks must be positive.");
        int d = Shapes.NormalizeAxis(axis, Rank, nameof(Chunk));
        int size = _shape[d];
        if (size == 0) return [this];
        int step = (size + chunks - 1) / chunks;
        var sizes = new List<int>();
        for (int start = 0; start < size; start += step) sizes.Add(Math.Min(step, size - start));
        return Split([.. sizes], d);
    }
}

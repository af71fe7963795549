using Qail.Engine;

namespace Qail.Autograd;

// Concat/stack record one node over all parts; split and chunk are slices and need no rule of their own.
public sealed partial class Variable
{
    /// <summary>
    /// Joins variables along an existing <paramref name="axis"/>; each part receives its slice of the gradient.
    /// </summary>
    public static Variable Concat(IReadOnlyList<Variable> parts, int axis)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var inputs = parts.ToArray();
        var y = Tensor.Concat(inputs.Select(v => v.Value).ToArray(), axis);
        int d = Shapes.NormalizeAxis(axis, y.Rank, nameof(Concat));
        var sizes = inputs.Select(v => v.Value.Size(d)).ToArray();
        return Record(nameof(Concat), y, inputs, (g, n) =>
        {
            var grads = new Tensor?[sizes.Length];
            for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++)
                if (n[i]) grads[i] = g.Slice(d, start, start + sizes[i]);
            return grads;
        });
    }

    /// <summary>
    /// Joins same-shaped variables along a new <paramref name="axis"/>; each part receives its index of the gradient.
    /// </summary>
    public static Variable Stack(IReadOnlyList<Variable> parts, int axis)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var inputs = parts.ToArray();
        var y = Tensor.Stack(inputs.Select(v => v.Value).ToArray(), axis);
        int d = Shapes.NormalizeAxis(axis, y.Rank, nameof(Stack));
        return Record(nameof(Stack), y, inputs, (g, n) =>
        {
            var grads = new Tensor?[inputs.Length];
            for (int i = 0; i < grads.Length; i++)
                if (n[i]) grads[i] = g.Select(d, i);
            return grads;
        });
    }

    /// <summary>
    /// Splits along <paramref name="axis"/> into consecutive parts of the given sizes (which must add up to the
    /// dimension).
    /// </summary>
    public Variable[] Split(int[] sizes, int axis)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int d = Shapes.NormalizeAxis(axis, Rank, nameof(Split));
        if (sizes.Any(s => s < 0) || sizes.Sum() != Value.Size(d))
            throw new ArgumentException($"Split: sizes {Shapes.Format(sizes)} do not add up to dimension {d} of "
                + $"{Shapes.Format(Value.ShapeSpan)}.", nameof(sizes));
        var parts = new Variable[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++)
            parts[i] = Slice(d, start, start + sizes[i]);
        return parts;
    }

    /// <summary>
    /// Splits along <paramref name="axis"/> into <paramref name="chunks"/> parts with the engine's Chunk sizes
    /// (ceil(size/chunks), the last may be smaller).
    /// </summary>
    public Variable[] Chunk(int chunks, int axis)
    {
        int d = Shapes.NormalizeAxis(axis, Rank, nameof(Chunk));
        return Split(Value.Chunk(chunks, d).Select(part => part.Size(d)).ToArray(), d);
    }
}

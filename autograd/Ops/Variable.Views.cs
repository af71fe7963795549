using Qail.Engine;

namespace Qail.Autograd;

// Shape and layout views: the forward shares storage; the backward maps the gradient back to the input's layout.
public sealed partial class Variable
{
    /// <summary>Same elements in a new shape (one dimension may be -1).</summary>
    public Variable Reshape(params int[] shape)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Reshape), Value.Reshape(shape), [this], (g, _) => [g.Reshape(source)]);
    }

    /// <summary>Reorders dimensions; the gradient is permuted back by the inverse order.</summary>
    public Variable Permute(params int[] order)
    {
        var y = Value.Permute(order);
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[Shapes.NormalizeAxis(order[i], Rank, nameof(Permute))] = i;
        return Record(nameof(Permute), y, [this], (g, _) => [g.Permute(inverse)]);
    }

    /// <summary>Swaps two dimensions.</summary>
    public Variable Transpose(int dim0, int dim1) =>
        Record(nameof(Transpose), Value.Transpose(dim0, dim1), [this], (g, _) => [g.Transpose(dim0, dim1)]);

    /// <summary>Transpose of a matrix (swaps the last two dimensions).</summary>
    public Variable T => Rank >= 2 ? Transpose(-2, -1)
        : throw new InvalidOperationException($"T needs rank >= 2, got shape {Shapes.Format(Value.ShapeSpan)}.");

    /// <summary>
    /// Elements start, start+step, ... below end along <paramref name="dim"/>; the gradient is zero outside the slice.
    /// </summary>
    public Variable Slice(int dim, int start, int end, int step = 1)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Slice), Value.Slice(dim, start, end, step), [this], (g, _) =>
        {
            var dx = Tensor.Zeros(source, g.DType);
            g.CopyTo(dx.Slice(dim, start, end, step));
            return [dx];
        });
    }

    /// <summary>Index <paramref name="index"/> along <paramref name="dim"/>, dropping that dimension.</summary>
    public Variable Select(int dim, int index)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Select), Value.Select(dim, index), [this], (g, _) =>
        {
            var dx = Tensor.Zeros(source, g.DType);
            g.CopyTo(dx.Select(dim, index));
            return [dx];
        });
    }

    /// <summary>Broadcasts to <paramref name="shape"/>; the gradient is summed over the broadcast dimensions.</summary>
    public Variable Expand(params int[] shape)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Expand), Value.Expand(shape), [this], (g, _) => [Unbroadcast(g, source)]);
    }

    /// <summary>Removes dimension <paramref name="dim"/> (size 1).</summary>
    public Variable Squeeze(int dim)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Squeeze), Value.Squeeze(dim), [this], (g, _) => [g.Reshape(source)]);
    }

    /// <summary>Removes every size-1 dimension.</summary>
    public Variable Squeeze()
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Squeeze), Value.Squeeze(), [this], (g, _) => [g.Reshape(source)]);
    }

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/>.</summary>
    public Variable Unsqueeze(int dim)
    {
        var source = Value.ShapeToArray();
        return Record(nameof(Unsqueeze), Value.Unsqueeze(dim), [this], (g, _) => [g.Reshape(source)]);
    }

    /// <summary>A contiguous version of the value (a copy only when needed); the gradient passes unchanged.</summary>
    public Variable Contiguous() =>
        Value.IsContiguous ? this : Record(nameof(Contiguous), Value.Contiguous(), [this], (g, _) => [g]);
}

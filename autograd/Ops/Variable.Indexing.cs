using Qail.Engine;

namespace Qail.Autograd;

// Index-driven ops: gradients flow to the float operands; int32 index tensors get none.
public sealed partial class Variable
{
    /// <summary>
    /// Rows <paramref name="indices"/> (int32, 1-D) along <paramref name="axis"/>; repeated indices accumulate their
    /// gradients.
    /// </summary>
    public Variable IndexSelect(int axis, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var source = Value.ShapeToArray();
        return Record(nameof(IndexSelect), Value.IndexSelect(axis, indices), [this], (g, _) =>
            [Tensor.Zeros(source, g.DType).IndexAdd(axis, indices, g)]);
    }

    /// <summary>
    /// out[..i..] = x[..index[..i..]..] along <paramref name="axis"/>; the gradient is scatter-added back.
    /// </summary>
    public Variable Gather(int axis, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var source = Value.ShapeToArray();
        return Record(nameof(Gather), Value.Gather(axis, index), [this], (g, _) =>
            [Tensor.Zeros(source, g.DType).ScatterAdd(axis, index, g)]);
    }

    /// <summary>
    /// Rows of <paramref name="weight"/> [vocab, dim] picked by int32 <paramref name="indices"/> of any shape: result
    /// indices.shape + [dim].
    /// </summary>
    public static Variable Embedding(Variable weight, Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(indices);
        if (weight.Rank != 2)
            throw new ArgumentException(
                $"Embedding: weight must be [vocab, dim], got {Shapes.Format(weight.Value.ShapeSpan)}.",
                nameof(weight));
        // A flattened IndexSelect plus a reshape: both carry their own gradients, so Embedding needs no rule.
        int[] shape = [.. indices.ShapeSpan, weight.Size(1)];
        return weight.IndexSelect(0, indices.Reshape(-1)).Reshape(shape);
    }

    /// <summary>
    /// A copy of this variable with <paramref name="source"/> added at <paramref name="indices"/> along
    /// <paramref name="axis"/>.
    /// </summary>
    public Variable IndexAdd(int axis, Tensor indices, Variable source)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(source);
        return Record(nameof(IndexAdd), Value.IndexAdd(axis, indices, source.Value), [this, source], (g, n) =>
            [n[0] ? g : null, n[1] ? g.IndexSelect(axis, indices) : null]);
    }

    /// <summary>
    /// A copy of this variable with source[..i..] added at [..index[..i..]..] along <paramref name="axis"/>.
    /// </summary>
    public Variable ScatterAdd(int axis, Tensor index, Variable source)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        var sourceShape = source.Value.ShapeToArray();
        return Record(nameof(ScatterAdd), Value.ScatterAdd(axis, index, source.Value), [this, source], (g, n) =>
        {
            Tensor? gs = null;
            if (n[1])
            {
                var gathered = g.Gather(axis, index);
                // Only the leading index-shaped block of source is scattered; the rest receives zero gradient.
                if (Shapes.Equal(gathered.ShapeSpan, sourceShape)) gs = gathered;
                else
                {
                    gs = Tensor.Zeros(sourceShape, g.DType);
                    var block = gs;
                    for (int d = 0; d < gathered.Rank; d++) block = block.Slice(d, 0, gathered.Size(d));
                    gathered.CopyTo(block);
                }
            }
            return [n[0] ? g : null, gs];
        });
    }
}

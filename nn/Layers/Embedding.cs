using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// A lookup table [count, dim] indexed by int32 token ids of any shape; weights N(0, 1) as in PyTorch.
/// </summary>
public sealed class Embedding : WeightedLayer
{
    /// <summary>Creates the table with N(0, 1) rows drawn from <paramref name="seed"/>.</summary>
    public Embedding(int count, int dim, long seed, DType dtype = DType.Float32)
    {
        if (count <= 0 || dim <= 0)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"Embedding: count {count} and dim {dim} must be positive.");
        Count = count;
        Dim = dim;
        RegisterParameter("weight", Init.Normal([count, dim], Init.DeriveSeed(seed, 0), dtype: dtype));
    }

    /// <summary>Number of rows (vocabulary size).</summary>
    public int Count { get; }

    /// <summary>Row width.</summary>
    public int Dim { get; }

    /// <summary>Looks up int32 <paramref name="indices"/>: result shape indices.shape + [Dim].</summary>
    public Variable Forward(Tensor indices) => Forward(Variable.Constant(indices));

    /// <inheritdoc/>
    protected override bool AcceptsInputTransform => false;

    /// <inheritdoc/>
    public override Variable ForwardWith(Variable input, Variable weight)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.DType != DType.Int32)
            throw new ArgumentException($"Embedding: indices must be int32, got {input.DType.Name()} "
                + $"{Shapes.Format(input.Value.ShapeSpan)}.", nameof(input));
        return Variable.Embedding(weight, input.Value);
    }
}

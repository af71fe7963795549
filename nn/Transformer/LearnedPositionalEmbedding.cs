using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Adds a learned vector per position to [B, T, D] input (T up to <see cref="MaxLength"/>). Weights default to N(0, 1),
/// the scale of <see cref="Embedding"/> rows, so positions are not drowned by the token embedding they are added to.
/// </summary>
public sealed class LearnedPositionalEmbedding : Module
{
    /// <summary>Creates the table [maxLength, dim] drawn from N(0, std^2) with <paramref name="seed"/>.</summary>
    public LearnedPositionalEmbedding(int maxLength, int dim, long seed, double std = 1.0, DType dtype = DType.Float32)
    {
        if (maxLength <= 0 || dim <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxLength),
                $"LearnedPositionalEmbedding: maxLength {maxLength} and dim {dim} must be positive.");
        MaxLength = maxLength;
        Dim = dim;
        RegisterParameter("weight", Init.Normal([maxLength, dim], Init.DeriveSeed(seed, 0), 0, std, dtype));
    }

    /// <summary>Longest sequence supported.</summary>
    public int MaxLength { get; }

    /// <summary>Embedding width.</summary>
    public int Dim { get; }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 3 || input.Size(2) != Dim || input.Size(1) > MaxLength)
            throw new ArgumentException("LearnedPositionalEmbedding: input shape "
                + $"{Shapes.Format(input.Value.ShapeSpan)} must be [B, T <= {MaxLength}, {Dim}].", nameof(input));
        return input + GetParameter("weight").Slice(0, 0, input.Size(1));
    }
}

using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>Merges dimensions <see cref="StartDim"/> onwards into one (default: all but the batch dimension).</summary>
public sealed class Flatten(int startDim = 1) : Module
{
    /// <summary>First dimension merged.</summary>
    public int StartDim { get; } = startDim >= 0 ? startDim : throw new ArgumentOutOfRangeException(nameof(startDim),
        startDim, "Flatten: startDim must be non-negative.");

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank <= StartDim)
            throw new ArgumentException(
                $"Flatten: input shape {Shapes.Format(input.Value.ShapeSpan)} has no dimension {StartDim}.",
                nameof(input));
        var shape = input.Value.ShapeSpan;
        var result = new int[StartDim + 1];
        shape[..StartDim].CopyTo(result);
        result[StartDim] = (int)Shapes.ElementCount(shape[StartDim..]);
        return input.Reshape(result);
    }
}

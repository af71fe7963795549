using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>Mean over H and W of NCHW input: [N, C, H, W] to [N, C].</summary>
public sealed class GlobalAvgPool2d : Module
{
    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
            throw new ArgumentException(
                $"GlobalAvgPool2d: input shape {Shapes.Format(input.Value.ShapeSpan)} must be [N, C, H, W].",
                nameof(input));
        return input.Mean([2, 3]);
    }
}

using Qail.Engine;

namespace Qail.Autograd;

// 2-D pooling over NCHW inputs.
public sealed partial class Variable
{
    /// <summary>
    /// Max pooling; the gradient goes to the element the engine picked as the maximum of each window.
    /// </summary>
    public static Variable MaxPool2d(Variable input, Pool2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Value.ShapeToArray();
        var (values, indices) = Tensor.MaxPool2dWithIndices(input.Value, options);
        return Record(nameof(MaxPool2d), values, [input], (g, _) => [Tensor.MaxPool2dBackward(g, indices, shape)]);
    }

    /// <summary>Average pooling; each window spreads its gradient evenly over the elements it averaged.</summary>
    public static Variable AvgPool2d(Variable input, Pool2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        var shape = input.Value.ShapeToArray();
        return Record(nameof(AvgPool2d), Tensor.AvgPool2d(input.Value, options), [input],
            (g, _) => [Tensor.AvgPool2dBackward(g, shape, options)]);
    }

    /// <summary>
    /// Mean over the spatial dimensions of [N, C, H, W], giving [N, C] (a mean, so it needs no rule of its own).
    /// </summary>
    public static Variable GlobalAvgPool2d(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank != 4)
            throw new ArgumentException(
                $"GlobalAvgPool2d: input must be [N, C, H, W], got {Shapes.Format(input.Value.ShapeSpan)}.",
                nameof(input));
        return input.Mean([2, 3]);
    }
}

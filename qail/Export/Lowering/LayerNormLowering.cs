using Qail.Nn;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>A layer norm over the last dim: each row of the value normalised on its own.</summary>
internal static class LayerNormLowering
{
    public static LoweredValue Lower(LoweringContext context, LayerNorm norm, string path, LoweredValue x)
    {
        if (norm.NormalizedShape.Count != 1)
            throw new ArgumentException($"Export: layer norm '{path}' normalises over {norm.NormalizedShape.Count} " +
                $"dims; the runtime normalises rows.");
        int n = norm.NormalizedShape[0];
        if (x.Map is not null || x.Width != n)
            throw new ArgumentException($"Export: layer norm '{path}' normalises rows of {n}, the value before it " +
                $"has rows of {x.Width}.");
        // Without an affine part the engine skips the scale and shift; x * 1 + 0 is the same value.
        var weight = LoweringContext.Parameter(norm, "weight") is { } w
            ? LoweringContext.Floats(w)
            : Enumerable.Repeat(1f, n).ToArray();
        var bias = LoweringContext.Parameter(norm, "bias") is { } b ? LoweringContext.Floats(b) : new float[n];
        return context.Apply(new LayerNormRows(x.Rows, weight, bias, norm.Eps), x);
    }
}

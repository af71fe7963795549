using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>Gradient clipping applied to accumulated gradients before an optimizer step.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients by min(1, maxNorm / (norm + 1e-6)) where norm is the L2 norm over all of them together;
    /// returns the norm before clipping. Parameters without a gradient are left out of the norm.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Variable> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm,
                "ClipByGlobalNorm: maxNorm must be positive.");
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToList();
        double sumSquares = 0;
        foreach (var g in grads) sumSquares += SumOfSquares(g);
        double norm = Math.Sqrt(sumSquares);
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1)
            foreach (var g in grads) Scale(g, scale);
        return norm;
    }

    // In double, element by element in order, as a widened copy would give, without the copy.
    private static double SumOfSquares(Tensor g)
    {
        double sum = 0;
        if (g.IsContiguous && g.DType == DType.Float32)
        {
            foreach (float x in g.AsSpan<float>()) sum += (double)x * x;
        }
        else if (g.IsContiguous && g.DType == DType.Float64)
        {
            foreach (double x in g.AsSpan<double>()) sum += x * x;
        }
        else
        {
            foreach (double x in g.ToDoubleArray()) sum += x * x;
        }
        return sum;
    }

    private static void Scale(Tensor g, double scale)
    {
        if (!g.IsContiguous) throw new InvalidOperationException($"ClipByGlobalNorm: gradient {g} is not contiguous.");
        if (g.DType == DType.Float32)
        {
            var s = g.AsSpan<float>();
            for (int i = 0; i < s.Length; i++) s[i] = (float)(s[i] * scale);
        }
        else
        {
            var s = g.AsSpan<double>();
            for (int i = 0; i < s.Length; i++) s[i] *= scale;
        }
    }
}

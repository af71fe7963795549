using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Layer normalisation over the trailing dimensions <see cref="NormalizedShape"/>, with learned elementwise scale and
/// shift.
/// </summary>
public sealed class LayerNorm : Module
{
    private readonly int[] _normalizedShape;

    /// <summary>
    /// Creates the layer with weight 1 and bias 0 (both omitted when <paramref name="elementwiseAffine"/> is false).
    /// </summary>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true,
        DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException(
                $"LayerNorm: normalized shape {Shapes.Format(normalizedShape)} must be non-empty and positive.",
                nameof(normalizedShape));
        if (!(eps > 0)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "LayerNorm: eps must be positive.");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            RegisterParameter("weight", Tensor.Ones(normalizedShape, dtype));
            RegisterParameter("bias", Tensor.Zeros(normalizedShape, dtype));
        }
    }

    /// <summary>Normalises over the last dimension of size <paramref name="features"/>.</summary>
    public LayerNorm(int features, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
        : this([features], eps, elementwiseAffine, dtype) { }

    /// <summary>The trailing dimensions normalised together.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Variance guard.</summary>
    public double Eps { get; }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int k = _normalizedShape.Length;
        if (input.Rank < k || !input.Value.ShapeSpan[^k..].SequenceEqual(_normalizedShape))
            throw new ArgumentException($"LayerNorm: input shape {Shapes.Format(input.Value.ShapeSpan)} must end in "
                + $"{Shapes.Format(_normalizedShape)}.", nameof(input));
        return Variable.LayerNorm(input, k, TryGetParameter("weight"), TryGetParameter("bias"), Eps);
    }
}

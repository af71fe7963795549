using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// In training mode zeroes each element with probability <see cref="P"/> and scales the rest by 1/(1-P); identity in
/// evaluation mode. The k-th training call draws its mask from stream k of the seed, so runs repeat bit for bit.
/// </summary>
public sealed class Dropout : Module
{
    private readonly long _seed;
    private long _calls;

    /// <summary>Creates the layer; <paramref name="p"/> must lie in [0, 1).</summary>
    public Dropout(double p, long seed)
    {
        if (!(p >= 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must lie in [0, 1).");
        P = p;
        _seed = seed;
    }

    /// <summary>Drop probability.</summary>
    public double P { get; }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!IsTraining || P == 0) return input;
        var rng = SeededRandom.Derive(_seed, _calls++);
        var mask = new double[input.Value.ElementCount];
        double keep = 1.0 / (1 - P);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < P ? 0 : keep;
        var maskTensor = Tensor.From<double>(mask, input.Value.ShapeSpan).Cast(input.DType);
        return input * Variable.Constant(maskTensor);
    }
}

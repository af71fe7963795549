namespace Qail.Envs.Manipulation;

/// <summary>
/// Maps continuous actions to one token per dimension and back, the way vision-language-action models emit actions:
/// dimension d's range [low, high] is cut into <see cref="Bins"/> equal bins, a value becomes the index of its bin
/// (the high end belongs to the last bin), and a token decodes to its bin's centre, so a round trip is off by at most
/// half a bin width.
/// </summary>
public sealed class ActionTokenizer
{
    private readonly float[] _low;
    private readonly float[] _high;

    /// <summary>A tokenizer over the bounds and bin count of <paramref name="space"/>.</summary>
    public ActionTokenizer(ActionSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Bins < 2)
            throw new ArgumentException($"ActionTokenizer: the action space offers {space.Bins} bins; need at least 2.",
                nameof(space));
        if (space.High.Length != space.Low.Length)
            throw new ArgumentException(
                $"ActionTokenizer: {space.Low.Length} low bounds but {space.High.Length} high bounds.", nameof(space));
        for (int d = 0; d < space.Low.Length; d++)
            if (!(float.IsFinite(space.Low[d]) && float.IsFinite(space.High[d]) && space.Low[d] < space.High[d]))
                throw new ArgumentException($"ActionTokenizer: dimension {d} has bounds [{space.Low[d]}, "
                    + $"{space.High[d]}]; need finite low < high.", nameof(space));
        _low = (float[])space.Low.Clone();
        _high = (float[])space.High.Clone();
        Bins = space.Bins;
    }

    /// <summary>Tokens per dimension.</summary>
    public int Bins { get; }

    /// <summary>Number of action dimensions.</summary>
    public int Size => _low.Length;

    /// <summary>Width of one bin of dimension <paramref name="dimension"/>.</summary>
    public double BinWidth(int dimension) => ((double)_high[dimension] - _low[dimension]) / Bins;

    /// <summary>The token of each dimension of <paramref name="action"/> into <paramref name="tokens"/>.</summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a value that is not finite or lies outside its
    /// bounds.</exception>
    public void Encode(ReadOnlySpan<float> action, Span<int> tokens)
    {
        CheckLength(action.Length, tokens.Length, nameof(Encode));
        for (int d = 0; d < action.Length; d++)
        {
            float v = action[d];
            if (!(v >= _low[d] && v <= _high[d]))
                throw new ArgumentException(
                    $"ActionTokenizer.Encode: action[{d}] = {v} outside [{_low[d]}, {_high[d]}].", nameof(action));
            int bin = (int)Math.Floor(((double)v - _low[d]) / BinWidth(d));
            tokens[d] = Math.Min(bin, Bins - 1);
        }
    }

    /// <summary>The tokens of <paramref name="action"/>.</summary>
    public int[] Encode(ReadOnlySpan<float> action)
    {
        var tokens = new int[Size];
        Encode(action, tokens);
        return tokens;
    }

    /// <summary>
    /// The action whose dimensions are the centres of the bins <paramref name="tokens"/> name, into
    /// <paramref name="action"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Wrong lengths, or a token outside [0, <see cref="Bins"/>).</exception>
    public void Decode(ReadOnlySpan<int> tokens, Span<float> action)
    {
        CheckLength(action.Length, tokens.Length, nameof(Decode));
        for (int d = 0; d < tokens.Length; d++)
        {
            if ((uint)tokens[d] >= (uint)Bins)
                throw new ArgumentException($"ActionTokenizer.Decode: token[{d}] = {tokens[d]} outside [0, {Bins}).",
                    nameof(tokens));
            action[d] = (float)(_low[d] + (tokens[d] + 0.5) * BinWidth(d));
        }
    }

    /// <summary>The action the tokens stand for.</summary>
    public float[] Decode(ReadOnlySpan<int> tokens)
    {
        var action = new float[Size];
        Decode(tokens, action);
        return action;
    }

    private void CheckLength(int actionLength, int tokenLength, string op)
    {
        if (actionLength != Size || tokenLength != Size)
            throw new ArgumentException($"ActionTokenizer.{op}: action length {actionLength} and token length "
                + $"{tokenLength} must both be {Size}.");
    }
}

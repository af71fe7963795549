namespace Qail.Policies;

/// <summary>
/// How a policy with binned action outputs turns each dimension's bin distribution into a continuous value.
/// </summary>
public enum ActionDecoding
{
    /// <summary>The centre of the most likely bin (greedy decoding, as VLA models emit action tokens).</summary>
    Argmax,

    /// <summary>The mean of the bin centres under the softmax distribution (smooth between bins).</summary>
    Expectation,
}

namespace Qail.Runtime;

/// <summary>Bounds on what a policy file may declare, checked before anything is allocated.</summary>
internal static class RuntimeLimits
{
    /// <summary>Widest layer input or output.</summary>
    public const int MaxWidth = 1 << 16;

    /// <summary>Most floats in one value of the graph (an input image, a feature map, a token sequence).</summary>
    public const int MaxValues = 1 << 22;

    /// <summary>Most ops in one policy graph.</summary>
    public const int MaxOps = 1024;

    /// <summary>Most inputs of one op (a concatenation of token groups, a command-branched head).</summary>
    public const int MaxSources = 16;

    /// <summary>
    /// Largest state magnitude a policy acts on (as Qail.Envs' ObservationCheck): beyond it the input lies far outside
    /// any training data and would overflow the normalisation, so it is refused rather than turned into NaN.
    /// </summary>
    public const float MaxStateMagnitude = 1e9f;

    /// <summary>
    /// Smallest normalisation std a policy file may hold: below it a state's normalised value overflows.
    /// </summary>
    public const float MinStd = 1e-6f;

    /// <summary>Largest normalisation mean magnitude a policy file may hold.</summary>
    public const float MaxMean = MaxStateMagnitude;

    /// <summary>Largest JSON config in the file's metadata.</summary>
    public const int MaxConfigBytes = 1 << 20;
}

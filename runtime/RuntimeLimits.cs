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

    /// <summary>Largest JSON config in the file's metadata.</summary>
    public const int MaxConfigBytes = 1 << 20;
}

namespace Qail.Nn;

/// <summary>How a loss combines its per-element (or per-sample) values.</summary>
public enum Reduction
{
    /// <summary>Average (over counted samples for cross-entropy with an ignore index).</summary>
    Mean,
    /// <summary>Sum.</summary>
    Sum,
    /// <summary>No reduction: the per-element (or per-sample) losses.</summary>
    None,
}

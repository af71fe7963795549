namespace Qail.Nn;

/// <summary>
/// Which fan Kaiming initialisation preserves the variance of: inputs (forward pass) or outputs (backward pass).
/// </summary>
public enum FanMode
{
    /// <summary>Preserve activation variance in the forward pass.</summary>
    FanIn,
    /// <summary>Preserve gradient variance in the backward pass.</summary>
    FanOut,
}

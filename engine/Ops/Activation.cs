namespace Qail.Engine;

/// <summary>The activation a fused bias + activation op applies after adding the bias.</summary>
public enum Activation
{
    /// <summary>None: the bias add alone.</summary>
    Identity,

    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>GELU, tanh approximation (as <see cref="Tensor.Gelu"/>).</summary>
    Gelu,
}

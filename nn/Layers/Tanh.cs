using Qail.Autograd;

namespace Qail.Nn;

/// <summary>Hyperbolic tangent.</summary>
public sealed class Tanh : Module
{
    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Tanh();
    }
}

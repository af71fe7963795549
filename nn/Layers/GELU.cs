using Qail.Autograd;

namespace Qail.Nn;

/// <summary>Gaussian error linear unit (as the engine's Gelu op defines it).</summary>
public sealed class GELU : Module
{
    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Gelu();
    }
}

using Qail.Autograd;

namespace Qail.Nn;

/// <summary>Rectified linear unit, max(x, 0).</summary>
public sealed class ReLU : Module
{
    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.Relu();
    }
}

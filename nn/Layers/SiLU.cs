using Qail.Autograd;

namespace Qail.Nn;

/// <summary>Sigmoid linear unit (swish), x * sigmoid(x).</summary>
public sealed class SiLU : Module
{
    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input * input.Sigmoid();
    }
}

using Qail.Autograd;

namespace Qail.Nn;

/// <summary>
/// A parameter-free module wrapping a function of one variable, e.g. a stateless transform for
/// <see cref="WeightedLayer.WeightTransform"/>. <see cref="Module.DeepCopy"/> shares the function.
/// </summary>
public sealed class FunctionTransform(Func<Variable, Variable> function) : Module
{
    private readonly Func<Variable, Variable> _function = function ?? throw new ArgumentNullException(nameof(function));

    /// <inheritdoc/>
    public override Variable Forward(Variable input) => _function(input);
}

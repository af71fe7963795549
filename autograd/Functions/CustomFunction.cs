using Qail.Engine;

namespace Qail.Autograd;

/// <summary>
/// A user-defined differentiable op: subclass it, compute the result from plain tensors in <see cref="Forward"/>,
/// and return the input gradients in <see cref="Backward"/> (null for inputs without one). Used for
/// straight-through estimators and learned step sizes without touching the core.
/// </summary>
public abstract class CustomFunction
{
    /// <summary>Name used in graph messages (defaults to the type name).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>
    /// Runs <see cref="Forward"/> on the inputs' values and records <see cref="Backward"/> when gradients are needed.
    /// </summary>
    public Variable Apply(params Variable[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        foreach (var v in inputs) ArgumentNullException.ThrowIfNull(v, nameof(inputs));
        var context = new FunctionContext(inputs);
        var output = Forward(context, inputs.Select(v => v.Value).ToArray());
        if (output is null) throw new InvalidOperationException($"{Name}: Forward returned null.");
        var shapes = inputs.Select(v => v.Value.ShapeToArray()).ToArray();
        return Variable.Record(Name, output, inputs, (g, _) =>
        {
            var grads = Backward(context, g)
                ?? throw new InvalidOperationException(
                    $"{Name}: Backward returned null instead of one gradient (or null) per input.");
            if (grads.Count != inputs.Length)
                throw new InvalidOperationException(
                    $"{Name}: Backward returned {grads.Count} gradients for {inputs.Length} inputs.");
            var result = new Tensor?[grads.Count];
            for (int i = 0; i < result.Length; i++)
            {
                var gi = grads[i];
                // A gradient in the broadcast output shape is summed down to its input's shape.
                result[i] = gi is null || Shapes.Equal(gi.ShapeSpan, shapes[i]) ? gi : gi.SumToShape(shapes[i]);
            }
            return result;
        });
    }

    /// <summary>
    /// Computes the output from the input values; may save tensors on <paramref name="context"/> for the backward pass.
    /// </summary>
    protected abstract Tensor Forward(FunctionContext context, IReadOnlyList<Tensor> inputs);

    /// <summary>
    /// Returns one gradient per input (null where none is needed, see <see cref="FunctionContext.NeedsInputGrad"/>),
    /// shaped like the input or like the broadcast output (then summed to the input's shape).
    /// </summary>
    protected abstract IReadOnlyList<Tensor?> Backward(FunctionContext context, Tensor gradOutput);
}

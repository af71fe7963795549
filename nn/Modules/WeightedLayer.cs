using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Base of layers that multiply by a weight (Linear, Conv2d, Embedding): the hook point for quantization.
/// <see cref="Forward"/> passes the input through <see cref="InputTransform"/> and the weight through
/// <see cref="WeightTransform"/> (when set) and then calls <see cref="ForwardWith"/>, so fake quantization is inserted
/// by setting these two slots, without editing any layer.
/// </summary>
/// <remarks>
/// The transforms are child modules (registered as "weight_transform" and "input_transform"), so their parameters
/// (e.g. learned step sizes) appear in <see cref="Module.NamedParameters"/>, optimizers and checkpoints, follow
/// train/eval mode and are cloned by <see cref="Module.DeepCopy"/>. A weight transform must keep the weight's shape.
/// </remarks>
public abstract class WeightedLayer : Module
{
    private const string WeightSlot = "weight_transform";
    private const string InputSlot = "input_transform";

    /// <summary>Registers the two empty transform slots.</summary>
    protected WeightedLayer()
    {
        RegisterModule<Module?>(WeightSlot, null);
        RegisterModule<Module?>(InputSlot, null);
    }

    /// <summary>The stored (un-transformed) weight.</summary>
    public Variable Weight => GetParameter("weight");

    /// <summary>The bias, or null for a layer built without one.</summary>
    public Variable? Bias => TryGetParameter("bias");

    /// <summary>Applied to <see cref="Weight"/> before every use (e.g. a fake quantizer); null for none.</summary>
    public Module? WeightTransform
    {
        get => GetModule<Module>(WeightSlot);
        set => SetModule(WeightSlot, value);
    }

    /// <summary>Applied to the input before every use (e.g. an activation fake quantizer); null for none.</summary>
    public Module? InputTransform
    {
        get => GetModule<Module>(InputSlot);
        set
        {
            if (value is not null && !AcceptsInputTransform)
                throw new InvalidOperationException(
                    $"{GetType().Name}: its input is an index tensor, which takes no input transform.");
            SetModule(InputSlot, value);
        }
    }

    /// <summary>False for layers whose input is not a float activation (Embedding).</summary>
    protected virtual bool AcceptsInputTransform => true;

    /// <summary>
    /// The weight as this layer uses it: <see cref="WeightTransform"/> applied to <see cref="Weight"/>.
    /// </summary>
    public Variable EffectiveWeight()
    {
        var weight = Weight;
        if (WeightTransform is not Module transform) return weight;
        var transformed = transform.Forward(weight);
        if (!Shapes.Equal(transformed.Value.ShapeSpan, weight.Value.ShapeSpan))
            throw new InvalidOperationException(
                $"{GetType().Name}: weight transform {transform.GetType().Name} changed the weight shape "
                + $"{Shapes.Format(weight.Value.ShapeSpan)} to {Shapes.Format(transformed.Value.ShapeSpan)}.");
        return transformed;
    }

    /// <summary>Applies the input transform, then the layer with <see cref="EffectiveWeight"/>.</summary>
    public sealed override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = InputTransform is Module transform ? transform.Forward(input) : input;
        return ForwardWith(x, EffectiveWeight());
    }

    /// <summary>The layer's computation with a given input and weight, bypassing both transforms.</summary>
    public abstract Variable ForwardWith(Variable input, Variable weight);
}

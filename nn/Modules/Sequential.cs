using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>Applies its children in order; they are named "0", "1", ... .</summary>
public sealed class Sequential : Module
{
    private int _count;

    /// <summary>Creates the chain from <paramref name="modules"/>.</summary>
    public Sequential(params Module[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        foreach (var m in modules) Add(m);
    }

    /// <summary>Number of modules in the chain.</summary>
    public int Count => _count;

    /// <summary>The module at <paramref name="index"/>.</summary>
    public Module this[int index] => (uint)index < (uint)_count
        ? RequireModule<Module>(index.ToString(System.Globalization.CultureInfo.InvariantCulture))
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"Sequential has {_count} modules.");

    /// <summary>Appends a module and returns this chain.</summary>
    public Sequential Add(Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        RegisterModule(_count.ToString(System.Globalization.CultureInfo.InvariantCulture), module);
        _count++;
        return this;
    }

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        var x = input;
        for (int i = 0; i < _count; i++)
        {
            var module = this[i];
            // A Linear followed by ReLU or GELU runs as one matmul and one fused bias + activation op.
            if (module is Linear linear && i + 1 < _count && FusedActivation(this[i + 1]) is Activation activation)
            {
                x = linear.ForwardActivated(x, activation);
                i++;
            }
            else x = module.Forward(x);
        }
        return x;
    }

    private static Activation? FusedActivation(Module next) => next switch
    {
        ReLU => Activation.Relu,
        GELU => Activation.Gelu,
        _ => null,
    };
}

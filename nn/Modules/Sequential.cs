using Qail.Autograd;

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
        for (int i = 0; i < _count; i++) x = this[i].Forward(x);
        return x;
    }
}

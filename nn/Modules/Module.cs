using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Base of every layer and model: an ordered registry of named parameters, buffers and child modules
/// (names join with '.', as in "blocks.0.attention.query.weight"), a train/eval mode, and a unary forward.
/// </summary>
/// <remarks>
/// Contract for subclasses: keep parameters, buffers and submodules only in the registry (read them with
/// <see cref="GetParameter"/>, <see cref="GetBuffer"/>, <see cref="GetModule{T}"/>), so that <see cref="DeepCopy"/>,
/// <see cref="SetRequiresGrad"/> and <see cref="ReplaceModule"/> see and replace them; other fields must be
/// values or immutable objects, because the copy shares them.
/// </remarks>
public abstract class Module
{
    private List<KeyValuePair<string, Variable>> _parameters = [];
    private List<KeyValuePair<string, Tensor>> _buffers = [];
    private List<KeyValuePair<string, Module?>> _modules = [];
    private HashSet<string> _transientBuffers = [];

    /// <summary>Computes the module's output for one input.</summary>
    public abstract Variable Forward(Variable input);

    /// <summary>True in training mode (dropout active, batch norm uses and updates batch statistics).</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Sets training mode on this module and all descendants; returns this module.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in Children()) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode on this module and all descendants; returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Direct children in registration order (unset optional slots are left out).</summary>
    public IEnumerable<KeyValuePair<string, Module>> Children()
    {
        foreach (var (name, child) in _modules)
            if (child is not null) yield return new(name, child);
    }

    /// <summary>This module (name "") and every descendant, depth first, with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Module>> NamedModules(string prefix = "")
    {
        yield return new(prefix, this);
        foreach (var (name, child) in Children())
            foreach (var entry in child.NamedModules(Join(prefix, name))) yield return entry;
    }

    /// <summary>Every parameter of this module and its descendants, with dotted names, in registration order.</summary>
    public IEnumerable<KeyValuePair<string, Variable>> NamedParameters(string prefix = "")
    {
        foreach (var (name, p) in _parameters) yield return new(Join(prefix, name), p);
        foreach (var (name, child) in Children())
            foreach (var entry in child.NamedParameters(Join(prefix, name))) yield return entry;
    }

    /// <summary>Every parameter, in the order of <see cref="NamedParameters"/>.</summary>
    public IEnumerable<Variable> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>Every buffer (non-trainable state such as running statistics), with dotted names.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> NamedBuffers(string prefix = "")
    {
        foreach (var (name, b) in _buffers) yield return new(Join(prefix, name), b);
        foreach (var (name, child) in Children())
            foreach (var entry in child.NamedBuffers(Join(prefix, name))) yield return entry;
    }

    /// <summary>Total number of parameter elements.</summary>
    public long ParameterCount => Parameters().Sum(p => p.Value.ElementCount);

    /// <summary>The state a checkpoint holds: parameter values and persistent buffers, by dotted name.</summary>
    public IReadOnlyList<KeyValuePair<string, Tensor>> StateDict()
    {
        var state = NamedParameters().Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value.Value)).ToList();
        state.AddRange(PersistentBuffers(""));
        return state;
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Parameters()) p.ZeroGrad();
    }

    /// <summary>
    /// Replaces every parameter with a leaf over the same values that does (or does not) require gradients; a frozen
    /// teacher is <c>model.DeepCopy()</c> then <c>SetRequiresGrad(false)</c>. Optimizers built earlier keep the old
    /// leaves.
    /// </summary>
    public void SetRequiresGrad(bool requiresGrad)
    {
        for (int i = 0; i < _parameters.Count; i++)
        {
            var (name, p) = _parameters[i];
            if (p.RequiresGrad != requiresGrad) _parameters[i] = new(name, new Variable(p.Value, requiresGrad, p.Name));
        }
        foreach (var (_, child) in Children()) child.SetRequiresGrad(requiresGrad);
    }

    /// <summary>
    /// An independent copy: parameters and buffers are cloned (gradients are not), children are copied recursively,
    /// the mode and every other field are carried over.
    /// </summary>
    public Module DeepCopy()
    {
        var copy = (Module)MemberwiseClone();
        copy._parameters = _parameters.Select(p => new KeyValuePair<string, Variable>(p.Key,
            new Variable(p.Value.Value.Clone(), p.Value.RequiresGrad, p.Value.Name))).ToList();
        copy._buffers = _buffers.Select(b => new KeyValuePair<string, Tensor>(b.Key, b.Value.Clone())).ToList();
        copy._modules = _modules.Select(m => new KeyValuePair<string, Module?>(m.Key, m.Value?.DeepCopy())).ToList();
        copy._transientBuffers = [.. _transientBuffers];
        return copy;
    }

    /// <summary>
    /// Replaces the descendant at a dotted path (e.g. "blocks.1.mlp.0") with another module, for passes that swap
    /// layers (quantized or folded versions) without editing the model's code; returns the module replaced.
    /// </summary>
    public Module ReplaceModule(string path, Module replacement)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(replacement);
        int dot = path.LastIndexOf('.');
        var owner = dot < 0 ? this : FindModule(path[..dot]);
        string name = path[(dot + 1)..];
        int index = owner._modules.FindIndex(m => m.Key == name);
        if (index < 0 || owner._modules[index].Value is not Module old)
            throw new ArgumentException($"ReplaceModule: no submodule '{path}' in {GetType().Name}.", nameof(path));
        owner._modules[index] = new(name, replacement);
        return old;
    }

    /// <summary>
    /// Replaces the parameter at a dotted path (e.g. "fc1.weight") with another variable of the same shape and dtype,
    /// e.g. to evaluate the module at given values (functional call, gradient checks) or to share a weight.
    /// </summary>
    public void ReplaceParameter(string path, Variable replacement)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(replacement);
        int dot = path.LastIndexOf('.');
        var owner = dot < 0 ? this : FindModule(path[..dot]);
        string name = path[(dot + 1)..];
        int index = owner._parameters.FindIndex(p => p.Key == name);
        if (index < 0)
            throw new ArgumentException($"ReplaceParameter: no parameter '{path}' in {GetType().Name}.", nameof(path));
        var old = owner._parameters[index].Value;
        if (!Shapes.Equal(old.Value.ShapeSpan, replacement.Value.ShapeSpan) || old.DType != replacement.DType)
            throw new ArgumentException(
                $"ReplaceParameter: '{path}' is {old.DType.Name()} {Shapes.Format(old.Value.ShapeSpan)}, the "
                + $"replacement {replacement.DType.Name()} {Shapes.Format(replacement.Value.ShapeSpan)}.",
                nameof(replacement));
        owner._parameters[index] = new(name, replacement);
    }

    /// <summary>The descendant at a dotted path ("" is this module); throws naming the path when absent.</summary>
    public Module FindModule(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var current = this;
        if (path.Length == 0) return current;
        foreach (var part in path.Split('.'))
        {
            var next = current._modules.FirstOrDefault(m => m.Key == part).Value;
            current = next ?? throw new ArgumentException(
                $"FindModule: no submodule '{path}' in {GetType().Name} (failed at '{part}').", nameof(path));
        }
        return current;
    }

    /// <summary>
    /// Copies tensors into this module's state in place (parameters keep their identity, so optimizers stay attached).
    /// Validates every name, dtype and shape first; on any fault throws and changes nothing.
    /// </summary>
    public Checkpoints.LoadResult LoadState(IReadOnlyDictionary<string, Tensor> state, bool strict = true) =>
        Checkpoints.StateLoader.Load(this, state, strict);

    /// <summary>Registers a trainable parameter under <paramref name="name"/> and returns it.</summary>
    protected Variable RegisterParameter(string name, Tensor value)
    {
        CheckNewName(name);
        var p = Variable.Parameter(value, name);
        _parameters.Add(new(name, p));
        return p;
    }

    /// <summary>Registers a buffer; persistent buffers are saved in checkpoints, transient ones are not.</summary>
    protected Tensor RegisterBuffer(string name, Tensor value, bool persistent = true)
    {
        CheckNewName(name);
        ArgumentNullException.ThrowIfNull(value);
        _buffers.Add(new(name, value));
        if (!persistent) _transientBuffers.Add(name);
        return value;
    }

    /// <summary>
    /// Registers a child module (null reserves an optional slot, filled later by <see cref="SetModule"/>) and returns
    /// it.
    /// </summary>
    protected T RegisterModule<T>(string name, T module) where T : Module?
    {
        CheckNewName(name);
        _modules.Add(new(name, module));
        return module;
    }

    /// <summary>Sets or clears a registered child slot.</summary>
    protected void SetModule(string name, Module? module)
    {
        int index = _modules.FindIndex(m => m.Key == name);
        if (index < 0) throw new ArgumentException($"{GetType().Name}: no module slot '{name}'.", nameof(name));
        _modules[index] = new(name, module);
    }

    /// <summary>The registered parameter <paramref name="name"/>.</summary>
    protected Variable GetParameter(string name)
    {
        foreach (var (key, p) in _parameters) if (key == name) return p;
        throw new ArgumentException($"{GetType().Name}: no parameter '{name}'.", nameof(name));
    }

    /// <summary>
    /// The registered parameter <paramref name="name"/>, or null when the module has none of that name (e.g. no bias).
    /// </summary>
    protected Variable? TryGetParameter(string name)
    {
        foreach (var (key, p) in _parameters) if (key == name) return p;
        return null;
    }

    /// <summary>The registered buffer <paramref name="name"/>.</summary>
    protected Tensor GetBuffer(string name)
    {
        foreach (var (key, b) in _buffers) if (key == name) return b;
        throw new ArgumentException($"{GetType().Name}: no buffer '{name}'.", nameof(name));
    }

    /// <summary>
    /// The child in slot <paramref name="name"/>, cast to <typeparamref name="T"/>; null when the slot is empty.
    /// </summary>
    protected T? GetModule<T>(string name) where T : Module
    {
        foreach (var (key, m) in _modules)
            if (key == name)
                return m is null ? null : m as T ?? throw new InvalidOperationException(
                    $"{GetType().Name}: submodule '{name}' is a {m.GetType().Name}, expected {typeof(T).Name}.");
        throw new ArgumentException($"{GetType().Name}: no module slot '{name}'.", nameof(name));
    }

    /// <summary>The child in slot <paramref name="name"/>; throws when the slot is empty.</summary>
    protected T RequireModule<T>(string name) where T : Module =>
        GetModule<T>(name)
            ?? throw new InvalidOperationException($"{GetType().Name}: submodule slot '{name}' is empty.");

    private IEnumerable<KeyValuePair<string, Tensor>> PersistentBuffers(string prefix)
    {
        foreach (var (name, b) in _buffers)
            if (!_transientBuffers.Contains(name)) yield return new(Join(prefix, name), b);
        foreach (var (name, child) in Children())
            foreach (var entry in child.PersistentBuffers(Join(prefix, name))) yield return entry;
    }

    private void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"{GetType().Name}: name '{name}' must be non-empty and contain no '.'.",
                nameof(name));
        if (_parameters.Any(p => p.Key == name) || _buffers.Any(b => b.Key == name) || _modules.Any(m => m.Key == name))
            throw new ArgumentException($"{GetType().Name}: name '{name}' is already registered.", nameof(name));
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : prefix + "." + name;
}

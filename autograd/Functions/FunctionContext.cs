using System.Collections.Immutable;
using Qail.Engine;

namespace Qail.Autograd;

/// <summary>
/// Per-call state shared by a <see cref="CustomFunction"/>'s forward and backward: saved tensors and input facts.
/// </summary>
public sealed class FunctionContext
{
    private readonly List<Tensor> _saved = [];
    private readonly bool[] _needsInputGrad;

    internal FunctionContext(IReadOnlyList<Variable> inputs)
    {
        _needsInputGrad = inputs.Select(v => v.RequiresGrad).ToArray();
        InputShapes = inputs.Select(v => v.Shape).ToImmutableArray();
    }

    /// <summary>Keeps tensors for the backward pass (in the order given, appended to earlier calls).</summary>
    public void SaveForBackward(params Tensor[] tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var t in tensors)
            _saved.Add(t ?? throw new ArgumentNullException(nameof(tensors),
                "SaveForBackward: a saved tensor is null."));
    }

    /// <summary>The tensors passed to <see cref="SaveForBackward"/>.</summary>
    public IReadOnlyList<Tensor> SavedTensors => _saved;

    /// <summary>Shapes of the inputs, in order.</summary>
    public ImmutableArray<ImmutableArray<int>> InputShapes { get; }

    /// <summary>
    /// Whether input <paramref name="index"/> requires a gradient (backward may return null for the others).
    /// </summary>
    public bool NeedsInputGrad(int index) => _needsInputGrad[index];
}

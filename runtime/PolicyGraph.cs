namespace Qail.Runtime;

/// <summary>
/// A deployed policy's dataflow: graph inputs (slots 0..I-1) filled from the observation, then nodes in execution
/// order, node i writing slot I+i from earlier slots. The last node's output is the action. Built by the exporters
/// (one <see cref="Add"/> per op, sizes checked as they are added) and by the policy file reader.
/// </summary>
internal sealed class PolicyGraph
{
    private readonly List<GraphInput> _inputs = [];
    private readonly List<GraphNode> _nodes = [];
    private readonly List<int> _slotSizes = [];

    public IReadOnlyList<GraphInput> Inputs => _inputs;

    public IReadOnlyList<GraphNode> Nodes => _nodes;

    /// <summary>Slot of the last value added (the graph's output once building is done).</summary>
    public int Last => _slotSizes.Count - 1;

    public int SlotSize(int slot) => _slotSizes[slot];

    /// <summary>Declares a graph input; all inputs come before the first op.</summary>
    public int Input(GraphInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (_nodes.Count > 0)
            throw new InvalidOperationException("PolicyGraph: declare every input before the first op.");
        if (_inputs.Any(i => i.Kind == input.Kind))
            throw new ArgumentException($"PolicyGraph: the graph already reads a {input.Kind} input.", nameof(input));
        _inputs.Add(input);
        _slotSizes.Add(input.Size);
        return _slotSizes.Count - 1;
    }

    /// <summary>
    /// Adds <paramref name="op"/> reading <paramref name="sources"/>; returns the slot of its output.
    /// </summary>
    public int Add(RuntimeOp op, params int[] sources)
    {
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(sources);
        if (_inputs.Count == 0)
            throw new InvalidOperationException("PolicyGraph: declare the graph's inputs before its ops.");
        var sizes = op.InputSizes;
        if (sources.Length != sizes.Count)
            throw new ArgumentException(
                $"PolicyGraph: op {_nodes.Count} ({op.Kind}) takes {sizes.Count} inputs, {sources.Length} given.",
                nameof(sources));
        for (int j = 0; j < sources.Length; j++)
        {
            if ((uint)sources[j] >= (uint)_slotSizes.Count)
                throw new ArgumentException($"PolicyGraph: op {_nodes.Count} ({op.Kind}) input {j} reads slot "
                    + $"{sources[j]}, but only slots 0..{_slotSizes.Count - 1} exist before it.", nameof(sources));
            if (_slotSizes[sources[j]] != sizes[j])
                throw new ArgumentException($"PolicyGraph: op {_nodes.Count} ({op.Kind}) input {j} takes {sizes[j]} "
                    + $"values but slot {sources[j]} holds {_slotSizes[sources[j]]}.", nameof(sources));
        }
        if (op.OutputSize is < 1 or > RuntimeLimits.MaxValues)
            throw new ArgumentException($"PolicyGraph: op {_nodes.Count} ({op.Kind}) writes {op.OutputSize} values; "
                + $"expected 1..{RuntimeLimits.MaxValues}.", nameof(op));
        _nodes.Add(new GraphNode(op, [.. sources]));
        _slotSizes.Add(op.OutputSize);
        return _slotSizes.Count - 1;
    }

    /// <summary>Adds a one-input op reading the last value.</summary>
    public int Then(RuntimeOp op) => Add(op, Last);

    /// <summary>The same dataflow over replicated ops (fresh scratch buffers), for another thread.</summary>
    public PolicyGraph Replicate()
    {
        var copy = new PolicyGraph();
        foreach (var input in _inputs) copy.Input(input);
        foreach (var node in _nodes) copy.Add(node.Op.Replicate(), node.Sources);
        return copy;
    }
}

/// <summary>One op of a <see cref="PolicyGraph"/> and the slots it reads.</summary>
internal sealed record GraphNode(RuntimeOp Op, int[] Sources);

using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>
/// Base of the optimizers: holds parameter groups and per-parameter state, and updates parameter values in place
/// (leaf identity is kept, so modules and checkpoints stay attached). A parameter whose gradient is null (it took no
/// part in the loss) is not updated at that step and its step count does not advance, as in PyTorch.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Variable, ParameterState> _state = new(ReferenceEqualityComparer.Instance);

    /// <summary>Validates the groups: trainable contiguous float parameters, each in one group only.</summary>
    protected Optimizer(IEnumerable<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        Groups = groups.ToArray();
        if (Groups.Count == 0)
            throw new ArgumentException($"{GetType().Name}: at least one parameter group is needed.", nameof(groups));
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        foreach (var group in Groups)
            foreach (var p in group.Parameters)
            {
                ArgumentNullException.ThrowIfNull(p, nameof(groups));
                if (!p.RequiresGrad || !p.IsLeaf)
                    throw new ArgumentException($"{GetType().Name}: {p} is not a trainable leaf.", nameof(groups));
                if (!p.Value.DType.IsFloatingPoint() || !p.Value.IsContiguous || p.Value.Device != Device.Cpu)
                    throw new ArgumentException($"{GetType().Name}: {p} must be a contiguous float CPU tensor.",
                        nameof(groups));
                if (!seen.Add(p))
                    throw new ArgumentException($"{GetType().Name}: {p} appears in more than one group or twice.",
                        nameof(groups));
            }
    }

    /// <summary>The parameter groups (rates may be changed between steps, e.g. by a schedule).</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>Number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>Applies one update to every parameter that has a gradient.</summary>
    public void Step()
    {
        using var _ = GradMode.NoGrad();
        foreach (var group in Groups)
            foreach (var p in group.Parameters)
            {
                if (p.Grad is not Tensor grad) continue;
                if (!Shapes.Equal(grad.ShapeSpan, p.Value.ShapeSpan) || grad.DType != p.Value.DType)
                    throw new InvalidOperationException(
                        $"{GetType().Name}: gradient {grad} does not match parameter {p}.");
                if (!_state.TryGetValue(p, out var state))
                {
                    // The moments outlive the step: never from a TensorArena scope around it.
                    using var outside = TensorArena.Suspend();
                    state = new ParameterState(Enumerable.Range(0, StateBuffers)
                        .Select(_ => Tensor.Zeros(p.Value.ShapeSpan, p.Value.DType)).ToArray());
                    _state.Add(p, state);
                }
                state.Steps++;
                var g = grad.Contiguous();
                if (p.Value.DType == DType.Float32)
                    Update<float>(group, p.Value.AsSpan<float>(), g.AsSpan<float>(),
                        state.Buffers.Select(b => b.HostStorage().AsArray<float>()).ToArray(), state.Steps);
                else
                    Update<double>(group, p.Value.AsSpan<double>(), g.AsSpan<double>(),
                        state.Buffers.Select(b => b.HostStorage().AsArray<double>()).ToArray(), state.Steps);
            }
        StepCount++;
    }

    /// <summary>
    /// Clears every parameter's gradient (null until the next backward pass reaches it); the gradient tensors are
    /// recycled (<see cref="Variable.RecycleGrad"/>), so a steady-state step allocates none: clone a gradient to
    /// keep it past this call.
    /// </summary>
    public void ZeroGrad()
    {
        foreach (var group in Groups)
            foreach (var p in group.Parameters) p.RecycleGrad();
    }

    /// <summary>How many parameter-shaped state tensors the optimizer keeps (momentum, second moment, ...).</summary>
    protected abstract int StateBuffers { get; }

    /// <summary>
    /// Updates one parameter in place; <paramref name="steps"/> counts this parameter's updates, 1 on the first.
    /// </summary>
    protected abstract void Update<T>(ParameterGroup group, Span<T> value, ReadOnlySpan<T> grad, T[][] state,
        long steps)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>;

    private sealed class ParameterState(Tensor[] buffers)
    {
        public Tensor[] Buffers { get; } = buffers;
        public long Steps { get; set; }
    }
}

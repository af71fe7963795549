using Qail.Engine;

namespace Qail.Autograd;

/// <summary>
/// A tensor that takes part in reverse-mode differentiation: ops on variables record the graph (unless a
/// <see cref="GradMode.NoGrad"/> scope is open) and <c>Backward()</c> accumulates gradients into leaves.
/// </summary>
/// <remarks>
/// Gradients are plain tensors: a backward pass is not itself recorded (no higher-order derivatives).
/// </remarks>
public sealed partial class Variable
{
    // Set for recorded (non-leaf) variables; cleared when the graph is freed after backward.
    private Variable[] _inputs = [];
    private BackwardRule? _backward;
    private bool _graphFreed;
    private Tensor? _spareGrad;

    /// <summary>Wraps <paramref name="value"/>; a leaf that requires gradients must hold float32 or float64.</summary>
    public Variable(Tensor value, bool requiresGrad = false, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (requiresGrad && !value.DType.IsFloatingPoint())
            throw new ArgumentException("Variable: only float32/float64 tensors can require gradients; got "
                + $"{value.DType.Name()} {Shapes.Format(value.ShapeSpan)}.", nameof(value));
        Value = value;
        RequiresGrad = requiresGrad;
        Name = name;
    }

    private Variable(Tensor value, string opName, Variable[] inputs, BackwardRule backward)
    {
        Value = value;
        RequiresGrad = true;
        OpName = opName;
        _inputs = inputs;
        _backward = backward;
    }

    /// <summary>A trainable leaf (requires gradients).</summary>
    public static Variable Parameter(Tensor value, string? name = null) => new(value, requiresGrad: true, name);

    /// <summary>A constant leaf (no gradients).</summary>
    public static Variable Constant(Tensor value) => new(value, requiresGrad: false);

    /// <summary>The forward value.</summary>
    public Tensor Value { get; }

    /// <summary>
    /// Accumulated gradient of a leaf (same shape and dtype as <see cref="Value"/>); null until a backward pass reaches
    /// it.
    /// </summary>
    public Tensor? Grad { get; set; }

    /// <summary>True when gradients flow to (or through) this variable.</summary>
    public bool RequiresGrad { get; }

    /// <summary>True for variables created by the user rather than recorded by an op.</summary>
    public bool IsLeaf => OpName is null;

    /// <summary>Name of the op that produced this variable (null for leaves).</summary>
    public string? OpName { get; }

    /// <summary>Optional label used in messages.</summary>
    public string? Name { get; set; }

    /// <summary>Shape of <see cref="Value"/>.</summary>
    public System.Collections.Immutable.ImmutableArray<int> Shape => Value.Shape;

    /// <summary>Element type of <see cref="Value"/>.</summary>
    public DType DType => Value.DType;

    /// <summary>Number of dimensions.</summary>
    public int Rank => Value.Rank;

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public int Size(int dim) => Value.Size(dim);

    /// <summary>The variables this one was computed from (empty for leaves and after the graph is freed).</summary>
    public IReadOnlyList<Variable> Inputs => _inputs;

    /// <summary>A leaf sharing this value that does not require gradients: gradient flow stops here.</summary>
    public Variable Detach() => new(Value, requiresGrad: false, Name);

    /// <summary>Clears the accumulated gradient (sets <see cref="Grad"/> to null).</summary>
    public void ZeroGrad() => Grad = null;

    /// <summary>
    /// Clears the accumulated gradient like <see cref="ZeroGrad"/> but keeps its tensor, which the next backward
    /// pass overwrites with the new gradient instead of allocating one: a reference to the old
    /// <see cref="Grad"/> then sees the new values (clone it to keep it).
    /// </summary>
    public void RecycleGrad()
    {
        _spareGrad = Grad;
        Grad = null;
    }

    /// <summary>The value of a one-element variable as double.</summary>
    public double Item() => Value.Item();

    /// <summary>
    /// Backpropagates from a one-element output (seed gradient 1); frees the graph unless
    /// <paramref name="retainGraph"/>.
    /// </summary>
    public void Backward(bool retainGraph = false)
    {
        if (Value.ElementCount != 1)
            throw new InvalidOperationException(
                $"Backward() without a gradient needs a scalar (one-element) output, but this {OpName ?? "variable"} "
                + $"has shape {Shapes.Format(Value.ShapeSpan)}; pass Backward(gradOutput) with that shape.");
        Backward(Tensor.Ones(Value.ShapeSpan, Value.DType), retainGraph);
    }

    /// <summary>
    /// Backpropagates <paramref name="gradOutput"/> (same shape and dtype as the value) through the recorded graph.
    /// </summary>
    public void Backward(Tensor gradOutput, bool retainGraph = false)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        if (!RequiresGrad)
            throw new InvalidOperationException($"Backward: this variable (shape {Shapes.Format(Value.ShapeSpan)}) "
                + "does not require gradients; no input on its path requires them, or it was computed under NoGrad.");
        if (!Shapes.Equal(gradOutput.ShapeSpan, Value.ShapeSpan) || gradOutput.DType != Value.DType)
            throw new ArgumentException(
                $"Backward: gradOutput {gradOutput.DType.Name()} {Shapes.Format(gradOutput.ShapeSpan)} must match the "
                + $"output {Value.DType.Name()} {Shapes.Format(Value.ShapeSpan)}.", nameof(gradOutput));
        BackwardPass.Run(this, gradOutput, retainGraph);
    }

    public override string ToString() =>
        $"Variable({Name ?? OpName ?? "leaf"}, {Value.DType.Name()}, {Shapes.Format(Value.ShapeSpan)}"
            + $"{(RequiresGrad ? ", requires grad" : "")})";

    /// <summary>
    /// Wraps an op's result: records <paramref name="backward"/> when recording is on and some input requires
    /// gradients, otherwise returns a constant leaf.
    /// </summary>
    internal static Variable Record(string opName, Tensor value, Variable[] inputs, BackwardRule backward)
    {
        if (!GradMode.IsEnabled || !inputs.Any(v => v.RequiresGrad)) return new Variable(value);
        if (!value.DType.IsFloatingPoint())
            throw new InvalidOperationException($"{opName}: produced a {value.DType.Name()} result from inputs that "
                + "require gradients; only float outputs are differentiable.");
        return new Variable(value, opName, inputs, backward);
    }

    internal BackwardRule TakeRule()
    {
        if (_backward is null)
            throw new InvalidOperationException(_graphFreed
                ? $"Backward: the graph through {OpName} was freed by an earlier backward pass; pass retainGraph: true "
                + "to the first Backward to go through it twice."
                : $"Backward: {this} has no recorded rule.");
        return _backward;
    }

    internal void FreeGraph()
    {
        _backward = null;
        _inputs = [];
        _graphFreed = true;
    }

    internal void AccumulateGrad(Tensor gradient)
    {
        // A fresh copy: rules may hand out views or tensors shared with other inputs, and optimizers update Grad in
        // place. A leaf's gradient outlives the step (accumulation over micro-batches), so it never comes from a
        // TensorArena.
        if (Grad is null && _spareGrad is { IsContiguous: true } spare && spare.DType == gradient.DType
            && Shapes.Equal(spare.ShapeSpan, gradient.ShapeSpan))
        {
            gradient.CopyTo(spare);
            (Grad, _spareGrad) = (spare, null);
            return;
        }
        using var _ = TensorArena.Suspend();
        Grad = Grad is null ? gradient.Clone() : Tensor.Add(Grad, gradient);
    }
}

/// <summary>
/// An op's backward: given the gradient of the output, the gradient of each input (in input order), or null where the
/// input needs none. <paramref name="needsGrad"/>[i] tells whether input i requires gradients, so rules can skip work.
/// </summary>
internal delegate Tensor?[] BackwardRule(Tensor gradOutput, bool[] needsGrad);

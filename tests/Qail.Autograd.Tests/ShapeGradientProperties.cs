using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;
using static Qail.Autograd.Tests.GradientCases;

namespace Qail.Autograd.Tests;

/// <summary>Views, joining and splitting, and index-driven ops against central differences.</summary>
public class ShapeGradientProperties
{
    [Property(MaxTest = 10, Replay = "(20261126,11)")]
    public void ViewRulesMatchFiniteDifferences(int seed, int shapeCode, bool nonContiguous)
    {
        var shape = Shape(3, 4, shapeCode, seed);
        var x = Layout(Uniform(shape, seed), nonContiguous);
        string at = Shapes.Format(shape);
        // Each view feeds a non-linear op so that position errors in the backward would show.
        AssertGradients($"Reshape {at}", v => v[0].Reshape(-1).Square(), x);
        AssertGradients($"Permute {at}", v => v[0].Permute(2, 0, 1).Exp(), x);
        AssertGradients($"Transpose {at}", v => v[0].Transpose(0, 2).Tanh(), x);
        AssertGradients($"T {at}", v => Variable.MatMul(v[0].T, v[0]), x);
        AssertGradients($"Slice step 2 {at}", v => v[0].Slice(1, 0, shape[1], 2).Square(), x);
        AssertGradients($"Slice tail {at}", v => v[0].Slice(-1, shape[2] / 2, shape[2]).Exp(), x);
        AssertGradients($"Select {at}", v => v[0].Select(1, shape[1] - 1).Square(), x);
        AssertGradients($"Unsqueeze+Expand {at}",
            v => v[0].Unsqueeze(1).Expand(shape[0], 3, shape[1], shape[2]).Tanh(), x);
        AssertGradients($"Squeeze {at}", v => v[0].Sum(1, keepDim: true).Squeeze(1).Square(), x);
        AssertGradients($"Squeeze all {at}", v => v[0].Sum(1, keepDim: true).Squeeze().Tanh(), x);
        AssertGradients($"Contiguous {at}", v => v[0].Transpose(0, 1).Contiguous().Square(), x);
    }

    [Property(MaxTest = 10, Replay = "(20261126,21)")]
    public void ConcatStackSplitRulesMatchFiniteDifferences(int seed, int shapeCode, byte axisCode)
    {
        var shape = Shape(2, 4, shapeCode, seed);
        int axis = axisCode % 2;
        var other = (int[])shape.Clone();
        other[axis] = 1 + (int)((uint)shapeCode % 3);
        string at = $"{Shapes.Format(shape)} axis {axis}";
        AssertGradients($"Concat {at}", v => Variable.Concat([v[0], v[1].Square(), v[0]], axis).Tanh(),
            Uniform(shape, seed), Uniform(other, seed + 1));
        AssertGradients($"Stack {at}", v => Variable.Stack([v[0], v[1]], axis).Tanh(), Uniform(shape, seed),
            Uniform(shape, seed + 1));
        int size = shape[axis];
        AssertGradients($"Split {at}", v =>
        {
            var parts = v[0].Split([size / 2, size - size / 2], axis);
            return parts[0].Exp().Sum() + parts[1].Square().Sum();
        }, NonContiguous(Uniform(shape, seed)));
        AssertGradients($"Chunk {at}", v => v[0].Chunk(2, axis)[^1].Square(), Uniform(shape, seed));
    }

    [Property(MaxTest = 10, Replay = "(20261126,13)")]
    public void IndexRulesAccumulateRepeatedIndices(int seed, int shapeCode, bool nonContiguous)
    {
        var shape = Shape(2, 4, shapeCode, seed);
        int rows = shape[0] + 1, cols = shape[1];
        var x = Layout(Uniform([rows, cols], seed), nonContiguous);
        // More picks than rows guarantees repeats.
        var picks = Indices([rows + 2], rows, seed + 3);
        var gatherIndex = Indices([rows, cols], cols, seed + 4);
        var tokens = Indices([2, 3], rows, seed + 5);
        AssertGradients("IndexSelect axis 0", v => v[0].IndexSelect(0, picks).Square(), x);
        AssertGradients("IndexSelect axis 1", v => v[0].IndexSelect(1, Indices([cols + 1], cols, seed + 6)).Exp(), x);
        AssertGradients("Gather", v => v[0].Gather(1, gatherIndex).Square(), x);
        AssertGradients("Embedding", v => Variable.Embedding(v[0], tokens).Tanh(), x);
        AssertGradients("IndexAdd", v => v[0].IndexAdd(0, picks, v[1].Square()).Tanh(), x,
            Uniform([rows + 2, cols], seed + 7));
        AssertGradients("ScatterAdd", v => v[0].ScatterAdd(1, gatherIndex, v[1].Square()).Tanh(), x,
            Uniform([rows, cols + 1], seed + 8));
    }

    [Property(MaxTest = 10, Replay = "(20261126,23)")]
    public void SoftmaxAndLayerNormRulesMatchFiniteDifferences(int seed, int shapeCode, byte axisCode,
        bool nonContiguous)
    {
        var shape = Shape(3, 4, shapeCode, seed);
        shape[^1] = Math.Max(2, shape[^1]);
        int axis = axisCode % 3;
        var x = Layout(Uniform(shape, seed), nonContiguous);
        AssertGradients($"Softmax {Shapes.Format(shape)} axis {axis}", v => v[0].Softmax(axis), x);
        AssertGradients($"LogSoftmax {Shapes.Format(shape)} axis {axis}", v => v[0].LogSoftmax(axis), x);
        int dims = 1 + axisCode % 2;
        var norm = shape[^dims..];
        AssertGradients($"LayerNorm {Shapes.Format(shape)} dims {dims}",
            v => Variable.LayerNorm(v[0], dims, v[1], v[2]),
            x, Uniform(norm, seed + 1), Uniform(norm, seed + 2));
        AssertGradients($"LayerNorm plain {Shapes.Format(shape)} dims {dims}", v => Variable.LayerNorm(v[0], dims), x);
    }
}

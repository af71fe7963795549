using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// Seeded inputs for gradient properties: shapes from FsCheck-drawn codes, values kept away from kinks.
/// </summary>
internal static class GradientCases
{
    /// <summary>A shape of the given rank with dims 1..maxDim picked from <paramref name="codes"/>.</summary>
    public static int[] Shape(int rank, int maxDim, params int[] codes) =>
        Enumerable.Range(0, rank).Select(i => 1 + (int)((uint)codes[i % codes.Length] / (uint)(i + 1) % (uint)maxDim))
            .ToArray();

    /// <summary>Float64 values uniform in [low, high).</summary>
    public static Tensor Uniform(int[] shape, int seed, double low = -2, double high = 2) =>
        Tensor.RandomUniform(shape, seed, low, high, DType.Float64);

    /// <summary>Float64 values with |x| in [gap, gap + 2): no kinks of relu/abs/sign near zero.</summary>
    public static Tensor AwayFromZero(int[] shape, int seed, double gap = 0.2) =>
        Map(Uniform(shape, seed, -2, 2), x => x + (x >= 0 ? gap : -gap));

    /// <summary>Float64 values at least 0.2 away from any half-integer (no jumps of round).</summary>
    public static Tensor AwayFromHalves(int[] shape, int seed) =>
        Map(Uniform(shape, seed, -3, 3), x => Math.Round(x) + 0.3 * (x - Math.Round(x)));

    /// <summary>Distinct values (a shuffled grid plus jitter): no ties for max/min.</summary>
    public static Tensor Distinct(int[] shape, int seed)
    {
        var t = Uniform(shape, seed);
        var values = t.ToDoubleArray();
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        for (int rank = 0; rank < order.Length; rank++)
            values[order[rank]] = -2 + 4.0 * rank / Math.Max(1, order.Length - 1) * 0.9 + values[order[rank]] * 0.01;
        return Tensor.From<double>(values, shape);
    }

    /// <summary>
    /// The same values as a non-contiguous view (every other element of a wider buffer along the last dim).
    /// </summary>
    public static Tensor NonContiguous(Tensor t)
    {
        if (t.Rank == 0) return t;
        var shape = t.ShapeToArray();
        shape[^1] *= 2;
        var wide = Tensor.Full(shape, double.NaN, t.DType);
        var view = wide.Slice(-1, 0, shape[^1], 2);
        t.CopyTo(view);
        return view;
    }

    /// <summary>Returns <paramref name="t"/> or its non-contiguous twin, as the flag says.</summary>
    public static Tensor Layout(Tensor t, bool nonContiguous) => nonContiguous ? NonContiguous(t) : t;

    /// <summary>Int32 indices in [0, bound).</summary>
    public static Tensor Indices(int[] shape, int bound, int seed) =>
        Tensor.From<int>(Uniform(shape, seed, 0, bound).ToDoubleArray().Select(v => Math.Min(bound - 1, (int)v))
            .ToArray(), shape);

    /// <summary>
    /// Runs the gradient checker and fails with its report when a rule disagrees with finite differences.
    /// </summary>
    public static void AssertGradients(string op, Func<IReadOnlyList<Variable>, Variable> function,
        params Tensor[] inputs) =>
        GradientAssert.MatchesFiniteDifferences(op, function, inputs);

    private static Tensor Map(Tensor t, Func<double, double> f) =>
        Tensor.From<double>(t.ToDoubleArray().Select(f).ToArray(), t.ShapeSpan);
}

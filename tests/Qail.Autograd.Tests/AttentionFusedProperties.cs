using FsCheck;
using FsCheck.Xunit;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Autograd.Tests;

/// <summary>
/// The fused scaled dot-product attention (heads side by side, causal and key-padding masks) against the unfused
/// composition it replaces (head split, q k^T / sqrt(dh), additive -1e9 mask, softmax, weights v), forward and the
/// gradients of query, key and value in float64; float32 against float64.
/// </summary>
public class AttentionFusedProperties
{
    [Property(MaxTest = 15, Replay = "(20261205,13)")]
    public void MatchesTheUnfusedComposition(PositiveInt batch, PositiveInt tokens, PositiveInt heads,
        PositiveInt headDim, bool causal, bool padding, int seed)
    {
        int b = 1 + batch.Get % 3, t = 1 + tokens.Get % 7, h = 1 + heads.Get % 3, dh = 1 + headDim.Get % 6;
        var (q, k, v) = Inputs(b, t, h * dh, seed, DType.Float64);
        var mask = padding ? PaddingMask(b, t, seed) : null;
        var upstream = Tensor.RandomNormal([b, t, h * dh], seed + 3, dtype: DType.Float64);

        var (qa, ka, va) = (Variable.Parameter(q), Variable.Parameter(k), Variable.Parameter(v));
        var fused = Variable.ScaledDotProductAttention(qa, ka, va, h, causal, mask);
        fused.Backward(upstream);
        var (qb, kb, vb) = (Variable.Parameter(q), Variable.Parameter(k), Variable.Parameter(v));
        var reference = Composition(qb, kb, vb, h, causal, mask);
        reference.Backward(upstream);

        TensorAssert.AllClose(reference.Value, fused.Value, 1e-11, 1e-11);
        TensorAssert.AllClose(qb.Grad!, qa.Grad!, 1e-10, 1e-10);
        TensorAssert.AllClose(kb.Grad!, ka.Grad!, 1e-10, 1e-10);
        TensorAssert.AllClose(vb.Grad!, va.Grad!, 1e-10, 1e-10);
    }

    [Property(MaxTest = 6, Replay = "(20261205,15)")]
    public void Float32AgreesWithFloat64(PositiveInt tokens, bool causal, int seed)
    {
        int t = 1 + tokens.Get % 40;
        var (q, k, v) = Inputs(2, t, 32, seed, DType.Float64);
        var g = Tensor.RandomNormal([2, t, 32], seed + 3, dtype: DType.Float64);
        var y64 = Tensor.ScaledDotProductAttention(q, k, v, 4, causal, null, out var p64);
        var y32 = Tensor.ScaledDotProductAttention(q.Cast(DType.Float32), k.Cast(DType.Float32),
            v.Cast(DType.Float32), 4, causal, null, out var p32);
        TensorAssert.AllClose(y64, y32.Cast(DType.Float64), 1e-4, 1e-5);
        var d64 = Tensor.ScaledDotProductAttentionBackward(g, q, k, v, p64, 4, causal, null);
        var d32 = Tensor.ScaledDotProductAttentionBackward(g.Cast(DType.Float32), q.Cast(DType.Float32),
            k.Cast(DType.Float32), v.Cast(DType.Float32), p32, 4, causal, null);
        TensorAssert.AllClose(d64.Query, d32.Query.Cast(DType.Float64), 1e-4, 1e-4);
        TensorAssert.AllClose(d64.Key, d32.Key.Cast(DType.Float64), 1e-4, 1e-4);
        TensorAssert.AllClose(d64.Value, d32.Value.Cast(DType.Float64), 1e-4, 1e-4);
    }

    [Fact]
    public void AQueryWithEveryKeyHiddenAttendsUniformly()
    {
        var (q, k, v) = Inputs(1, 3, 4, 7, DType.Float64);
        var mask = Tensor.From<int>([1, 1, 1], [1, 3]);
        var (qa, ka, va) = (Variable.Parameter(q), Variable.Parameter(k), Variable.Parameter(v));
        var y = Variable.ScaledDotProductAttention(qa, ka, va, 2, causal: false, mask);
        TensorAssert.AllClose(v.Mean([1], keepDim: true).Expand([1, 3, 4]), y.Value, 1e-12, 1e-12);
        y.Backward(Tensor.Ones([1, 3, 4], DType.Float64));
        Assert.All(qa.Grad!.ToDoubleArray(), x => Assert.Equal(0.0, x));
        Assert.All(ka.Grad!.ToDoubleArray(), x => Assert.Equal(0.0, x));
        TensorAssert.AllClose(Tensor.Ones([1, 3, 4], DType.Float64), va.Grad!, 1e-12, 1e-12);
    }

    [Fact]
    public void BadShapesAndMasksAreRefusedWithTheirNames()
    {
        var (q, k, v) = Inputs(2, 3, 4, 1, DType.Float32);
        var e = Assert.Throws<ArgumentException>(() =>
            Tensor.ScaledDotProductAttention(q, k.Reshape(3, 2, 4), v, 2, false, null, out _));
        Assert.Contains("key", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            Tensor.ScaledDotProductAttention(q, k, v, 3, false, null, out _));
        e = Assert.Throws<ArgumentException>(() =>
            Tensor.ScaledDotProductAttention(q, k, v, 2, false, Tensor.Zeros([2, 3]), out _));
        Assert.Contains("key padding mask", e.Message);
    }

    private static (Tensor Q, Tensor K, Tensor V) Inputs(int b, int t, int d, int seed, DType dtype) =>
        (Tensor.RandomNormal([b, t, d], seed, dtype: dtype), Tensor.RandomNormal([b, t, d], seed + 1, dtype: dtype),
         Tensor.RandomNormal([b, t, d], seed + 2, dtype: dtype));

    // Random padding that leaves each sample's first key visible, so every query (causal or not) sees a key.
    private static Tensor PaddingMask(int b, int t, int seed)
    {
        var rng = new SeededRandom(seed);
        var values = new int[b * t];
        for (int i = 0; i < values.Length; i++) values[i] = i % t == 0 ? 0 : rng.NextInt(2);
        return Tensor.From<int>(values, [b, t]);
    }

    private static Variable Composition(Variable q, Variable k, Variable v, int heads, bool causal, Tensor? padding)
    {
        int b = q.Size(0), t = q.Size(1), d = q.Size(2), dh = d / heads;
        Variable Split(Variable x) => x.Reshape(b, t, heads, dh).Permute(0, 2, 1, 3);
        var scores = Variable.MatMul(Split(q), Split(k).Transpose(-2, -1)) * (1.0 / Math.Sqrt(dh));
        var padded = padding?.ToDoubleArray();
        var additive = new double[b * t * t];
        for (int n = 0; n < b; n++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < t; j++)
                    if ((causal && j > i) || (padded is not null && padded[n * t + j] != 0))
                        additive[(n * t + i) * t + j] = -1e9;
        scores = scores + Variable.Constant(Tensor.From<double>(additive, [b, 1, t, t]));
        return Variable.MatMul(scores.Softmax(-1), Split(v)).Permute(0, 2, 1, 3).Reshape(b, t, d);
    }
}

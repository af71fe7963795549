using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Nn.Tests.Modules;

public class ModuleTests
{
    private static Sequential SmallCnn(long seed) => new(
        new Conv2d(1, 4, 3, Init.DeriveSeed(seed, 0), padding: 1),
        new BatchNorm2d(4),
        new ReLU(),
        new GlobalAvgPool2d(),
        new Linear(4, 3, Init.DeriveSeed(seed, 1)));

    [Fact]
    public void NamesCountsAndStateFollowRegistrationOrder()
    {
        var model = SmallCnn(1);
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias"],
            model.NamedParameters().Select(p => p.Key));
        Assert.Equal(["1.running_mean", "1.running_var"], model.NamedBuffers().Select(b => b.Key));
        Assert.Equal(4 * 9 + 4 + 4 + 4 + 12 + 3, model.ParameterCount);
        Assert.Equal(8, model.StateDict().Count);
        Assert.Equal(["", "0", "1", "2", "3", "4"], model.NamedModules().Select(m => m.Key));
    }

    [Fact]
    public void SameSeedSameWeightsDifferentSeedDifferentWeights()
    {
        var a = SmallCnn(5).StateDict();
        var b = SmallCnn(5).StateDict();
        var c = SmallCnn(6).StateDict();
        for (int i = 0; i < a.Count; i++) TensorAssert.Equal(a[i].Value, b[i].Value);
        Assert.NotEqual(a[0].Value.ToDoubleArray(), c[0].Value.ToDoubleArray());
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        var model = new Sequential(new TransformerBlock(4, 2, 8, 3), new Dropout(0.5, 1));
        model.Eval();
        Assert.All(model.NamedModules(), m => Assert.False(m.Value.IsTraining));
        model.Train();
        Assert.All(model.NamedModules(), m => Assert.True(m.Value.IsTraining));
    }

    [Fact]
    public void DeepCopyIsIndependentAndEqual()
    {
        var model = SmallCnn(2);
        var x = Variable.Constant(Tensor.RandomNormal([2, 1, 5, 5], 3));
        model.Forward(x); // moves the running statistics
        var copy = model.DeepCopy();
        model.Eval();
        copy.Eval();
        TensorAssert.Equal(model.Forward(x).Value, copy.Forward(x).Value);
        foreach (var p in copy.Parameters()) p.Value.AsSpan<float>().Fill(0);
        foreach (var (_, b) in copy.NamedBuffers()) b.AsSpan<float>().Fill(0);
        Assert.NotEqual(0, model.Parameters().First().Value.ToDoubleArray().Select(Math.Abs).Sum());
        Assert.NotEqual(0, model.NamedBuffers().First().Value.ToDoubleArray().Select(Math.Abs).Sum());
        Assert.IsType<Sequential>(copy);
        Assert.NotSame(((Sequential)copy)[0], model[0]);
    }

    [Fact]
    public void FrozenTeacherCopyTakesNoGradients()
    {
        var student = SmallCnn(3);
        var teacher = student.DeepCopy();
        teacher.SetRequiresGrad(false);
        Assert.All(teacher.Parameters(), p => Assert.False(p.RequiresGrad));
        Assert.All(student.Parameters(), p => Assert.True(p.RequiresGrad));
        var x = Variable.Constant(Tensor.RandomNormal([2, 1, 4, 4], 4));
        var loss = Nn.Losses.KlDivergence(teacher.Forward(x), student.Forward(x)) + student.Forward(x).Square().Mean();
        loss.Backward();
        Assert.All(teacher.Parameters(), p => Assert.Null(p.Grad));
        Assert.All(student.Parameters(), p => Assert.NotNull(p.Grad));
    }

    [Fact]
    public void WeightTransformHookChangesTheWeightUsedWithoutEditingTheLayer()
    {
        var model = new Sequential(new Linear(3, 4, 1), new ReLU(), new Linear(4, 2, 2));
        var x = Variable.Constant(Tensor.RandomNormal([5, 3], 3));
        var plain = model.Forward(x).Value;
        foreach (var (_, layer) in model.NamedModules())
            if (layer is WeightedLayer weighted)
            {
                weighted.WeightTransform = new FunctionTransform(w => w.Round());
                weighted.InputTransform = new FunctionTransform(v => v * 2.0);
            }
        var hooked = model.Forward(x);
        var first = (Linear)model[0];
        var second = (Linear)model[2];
        var expected = second.ForwardWith(first.ForwardWith(x * 2.0, first.Weight.Round()).Relu() * 2.0,
            second.Weight.Round());
        TensorAssert.AllClose(expected.Value, hooked.Value);
        Assert.False(Tensor.Eq(plain, hooked.Value).ToDoubleArray().All(v => v == 1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Key));
    }

    [Fact]
    public void TransformParametersAreRegisteredAndCopied()
    {
        var linear = new Linear(2, 2, 1) { WeightTransform = new Scale() };
        Assert.Contains("weight_transform.scale", linear.NamedParameters().Select(p => p.Key));
        var copy = (Linear)linear.DeepCopy();
        Assert.NotSame(linear.WeightTransform, copy.WeightTransform);
        Assert.Throws<InvalidOperationException>(() => new Embedding(3, 2, 1).InputTransform = new Scale());
        var reshaping = new Linear(2, 2, 1) { WeightTransform = new FunctionTransform(w => w.Reshape(4)) };
        Assert.Throws<InvalidOperationException>(() => reshaping.Forward(Variable.Constant(Tensor.Ones([1, 2]))));
    }

    private sealed class Scale : Module
    {
        public Scale() => RegisterParameter("scale", Tensor.Ones([]));

        public override Variable Forward(Variable input) => input * GetParameter("scale");
    }

    [Fact]
    public void ReplaceModuleSwapsALayerByPath()
    {
        var model = new Sequential(new Linear(2, 3, 1), new Sequential(new ReLU(), new Linear(3, 1, 2)));
        var replacement = new Linear(3, 1, 9);
        var old = model.ReplaceModule("1.1", replacement);
        Assert.IsType<Linear>(old);
        Assert.Same(replacement, model.FindModule("1.1"));
        Assert.Throws<ArgumentException>(() => model.ReplaceModule("1.7", replacement));
        Assert.Throws<ArgumentException>(() =>
            model.ReplaceParameter("0.weight", Variable.Parameter(Tensor.Ones([2, 2]))));
    }

    [Fact]
    public void DropoutIsSeededScaledAndOffInEvaluation()
    {
        var x = Variable.Parameter(Tensor.Ones([1000]));
        var a = new Dropout(0.25, 7);
        var b = new Dropout(0.25, 7);
        var ya = a.Forward(x);
        TensorAssert.Equal(ya.Value, b.Forward(x).Value);
        var values = ya.Value.ToDoubleArray();
        Assert.All(values, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-6));
        Assert.InRange(values.Count(v => v == 0), 200, 300);
        Assert.NotEqual(values, a.Forward(x).Value.ToDoubleArray());
        ya.Sum().Backward();
        Assert.Equal(values, x.Grad!.ToDoubleArray());
        a.Eval();
        Assert.Same(x, a.Forward(x));
    }

    [Fact]
    public void BatchNormTracksRunningStatistics()
    {
        var bn = new BatchNorm2d(2, momentum: 0.5, dtype: DType.Float64);
        var data = Tensor.From<double>([1, 3, 10, 10, 5, 7, 20, 40], [2, 2, 2, 1]);
        var y = bn.Forward(Variable.Constant(data));
        // Channel 0 holds 1, 3, 5, 7: mean 4, biased variance 5, unbiased 20/3.
        Assert.Equal(0.5 * 0 + 0.5 * 4, bn.RunningMean[0], 12);
        Assert.Equal(0.5 * 1 + 0.5 * 20.0 / 3, bn.RunningVar[0], 12);
        Assert.Equal((1 - 4) / Math.Sqrt(5 + 1e-5), y.Value[0, 0, 0, 0], 9);
    }

    [Fact]
    public void BatchNormFoldEqualsConvThenBatchNormInEvaluation()
    {
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var conv = new Conv2d(3, 4, 3, 1, stride: 2, padding: 1, groups: 1, dtype: dtype);
            var bn = new BatchNorm2d(4, dtype: dtype);
            bn.ReplaceParameter("weight", Variable.Parameter(Tensor.RandomUniform([4], 2, 0.5, 2, dtype)));
            bn.ReplaceParameter("bias", Variable.Parameter(Tensor.RandomNormal([4], 3, dtype: dtype)));
            for (int i = 0; i < 3; i++)
                bn.Forward(conv.Forward(Variable.Constant(Tensor.RandomNormal([4, 3, 6, 6], 10 + i, 1, 2, dtype))));
            bn.Eval();
            var x = Variable.Constant(Tensor.RandomNormal([2, 3, 7, 7], 20, dtype: dtype));
            var expected = bn.Forward(conv.Forward(x)).Value;
            var folded = bn.FoldInto(conv).Forward(x).Value;
            if (dtype == DType.Float64) TensorAssert.AllClose(expected, folded, 1e-12, 1e-12);
            else TensorAssert.AllClose(expected, folded, 1e-5, 1e-5);
        }
    }

    [Fact]
    public void LayersRejectBadShapesNamingThem()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            new Linear(3, 2, 1).Forward(Variable.Constant(Tensor.Ones([2, 4]))));
        Assert.Contains("[2, 4]", e.Message);
        Assert.Throws<ArgumentException>(() => new Conv2d(3, 4, 3, 1, groups: 2));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(6, 4, 1));
        Assert.Throws<ArgumentException>(() => new MultiHeadAttention(4, 2, 1)
            .Forward(Variable.Constant(Tensor.Ones([1, 3, 4])), Tensor.Ones([1, 2], DType.UInt8)));
        Assert.Throws<ArgumentException>(() =>
            new LearnedPositionalEmbedding(3, 4, 1).Forward(Variable.Constant(Tensor.Ones([1, 4, 4]))));
    }

    [Fact]
    public void CausalAttentionIgnoresTheFuture()
    {
        var attention = new MultiHeadAttention(4, 2, 3, causal: true);
        var x = Tensor.RandomNormal([1, 5, 4], 4);
        var changed = x.Clone();
        Tensor.RandomNormal([1, 2, 4], 5).CopyTo(changed.Slice(1, 3, 5));
        var a = attention.Forward(Variable.Constant(x)).Value.Slice(1, 0, 3);
        var b = attention.Forward(Variable.Constant(changed)).Value.Slice(1, 0, 3);
        TensorAssert.AllClose(a, b, 1e-6, 1e-6);
    }

    [Fact]
    public void PaddedKeysDoNotInfluenceOutputs()
    {
        var attention = new MultiHeadAttention(4, 2, 3);
        var mask = Tensor.From<byte>([0, 0, 0, 1, 1], [1, 5]);
        var x = Tensor.RandomNormal([1, 5, 4], 4);
        var changed = x.Clone();
        Tensor.RandomNormal([1, 2, 4], 5).CopyTo(changed.Slice(1, 3, 5));
        var a = attention.Forward(Variable.Constant(x), mask).Value.Slice(1, 0, 3);
        var b = attention.Forward(Variable.Constant(changed), mask).Value.Slice(1, 0, 3);
        TensorAssert.AllClose(a, b, 1e-6, 1e-6);
    }
}

using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn.Tests.Modules;

public class GradientTests
{
    private const DType F64 = DType.Float64;

    [Property(MaxTest = 8)]
    public void LinearOverRandomShapes(PositiveInt inF, PositiveInt outF, PositiveInt batch, bool bias, int seed)
    {
        int i = 1 + inF.Get % 5, o = 1 + outF.Get % 4, b = 1 + batch.Get % 3;
        ModuleGradCheck.Check(new Linear(i, o, seed, bias, F64), ModuleGradCheck.Input([b, 2, i], seed));
    }

    [Theory]
    [InlineData(1, 0, 1, 1)]
    [InlineData(2, 1, 1, 1)]
    [InlineData(1, 1, 2, 2)]
    [InlineData(2, 2, 1, 4)]
    public void Conv2dWithStridePaddingDilationAndGroups(int stride, int padding, int dilation, int groups)
    {
        var conv = new Conv2d(4, 4, 3, seed: 3, stride: stride, padding: padding, dilation: dilation, groups: groups,
            dtype: F64);
        ModuleGradCheck.Check(conv, ModuleGradCheck.Input([2, 4, 6, 6], 4));
    }

    [Fact]
    public void BatchNormInTrainingMode()
    {
        var bn = new BatchNorm2d(3, dtype: F64);
        bn.ReplaceParameter("weight", Variable.Parameter(Tensor.RandomUniform([3], 5, 0.5, 1.5, F64)));
        bn.ReplaceParameter("bias", Variable.Parameter(Tensor.RandomNormal([3], 6, dtype: F64)));
        ModuleGradCheck.Check(bn, ModuleGradCheck.Input([3, 3, 2, 2], 7));
    }

    [Fact]
    public void BatchNormInEvaluationMode()
    {
        var bn = new BatchNorm2d(2, dtype: F64);
        using (GradMode.NoGrad()) bn.Forward(Variable.Constant(ModuleGradCheck.Input([4, 2, 3, 3], 8) * 2.0 + 1.0));
        bn.Eval();
        ModuleGradCheck.Check(bn, ModuleGradCheck.Input([2, 2, 2, 2], 9));
    }

    [Fact]
    public void LayerNormOverOneAndTwoDimensions()
    {
        ModuleGradCheck.Check(new LayerNorm(5, dtype: F64), ModuleGradCheck.Input([3, 5], 10));
        ModuleGradCheck.Check(new LayerNorm([2, 3], dtype: F64), ModuleGradCheck.Input([2, 2, 3], 11));
    }

    [Fact]
    public void EmbeddingWeights()
    {
        var indices = Tensor.From<int>([0, 3, 3, 1, 4, 0], [2, 3]);
        ModuleGradCheck.Check(new Embedding(5, 4, 12, F64), indices);
    }

    [Fact]
    public void ActivationsPoolingAndFlatten()
    {
        var x = ModuleGradCheck.Input([2, 2, 4, 4], 13);
        foreach (var m in new Module[] { new ReLU(), new GELU(), new SiLU(), new Tanh(), new MaxPool2d(2),
            new AvgPool2d(3, 1, 1), new GlobalAvgPool2d(), new Flatten() })
            ModuleGradCheck.Check(m, x);
    }

    [Fact]
    public void SequentialMlp()
    {
        var mlp = new Sequential(new Linear(3, 6, 1, dtype: F64), new Tanh(), new Linear(6, 2, 2, dtype: F64));
        ModuleGradCheck.Check(mlp, ModuleGradCheck.Input([4, 3], 14));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void AttentionWithMasks(bool causal, bool padding)
    {
        var attention = new MultiHeadAttention(4, 2, 15, causal, dtype: F64);
        var mask = padding ? Tensor.From<byte>([0, 0, 0, 1, 0, 0, 1, 1], [2, 4]) : null;
        ModuleGradCheck.Check(attention, ModuleGradCheck.Input([2, 4, 4], 16),
            (m, x) => ((MultiHeadAttention)m).Forward(x, mask));
    }

    [Fact]
    public void PreNormTransformerBlockWithPaddingMask()
    {
        var block = new TransformerBlock(4, 2, 6, 17, causal: true, dtype: F64);
        var mask = Tensor.From<byte>([0, 0, 1, 0, 0, 0], [2, 3]);
        ModuleGradCheck.Check(block, ModuleGradCheck.Input([2, 3, 4], 18),
            (m, x) => ((TransformerBlock)m).Forward(x, mask));
    }

    [Fact]
    public void LearnedPositionalEmbedding()
    {
        ModuleGradCheck.Check(new LearnedPositionalEmbedding(5, 3, 19, dtype: F64),
            ModuleGradCheck.Input([2, 4, 3], 20));
    }

    [Theory]
    [InlineData(2, 2, 1)]
    [InlineData(2, 3, 2)]
    public void ResNetBasicBlockInTrainingMode(int inChannels, int outChannels, int stride)
    {
        var block = new ResNetBasicBlock(inChannels, outChannels, 21, stride, F64);
        ModuleGradCheck.Check(block, ModuleGradCheck.Input([2, inChannels, 4, 4], 22));
    }

    [Fact]
    public void WeightAndInputTransformsAreDifferentiated()
    {
        var linear = new Linear(3, 2, 23, dtype: F64)
        {
            WeightTransform = new FunctionTransform(w => w.Tanh()),
            InputTransform = new FunctionTransform(x => x * x),
        };
        ModuleGradCheck.Check(linear, ModuleGradCheck.Input([2, 3], 24));
    }
}

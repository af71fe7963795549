using Qail.Autograd;
using Qail.Engine;
using Qail.Testing;

namespace Qail.Nn.Tests.Modules;

/// <summary>
/// Sequential runs a Linear followed by ReLU or GELU as one fused bias + activation op: the same output and
/// parameter gradients as running the modules one by one, with the Linear's input and weight transforms honoured.
/// </summary>
public class SequentialFusionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FusedChainEqualsTheModulesOneByOne(bool transforms)
    {
        var chain = new Sequential(new Linear(5, 7, 1, dtype: DType.Float64), new ReLU(),
            new Linear(7, 6, 2, dtype: DType.Float64), new GELU(),
            new Linear(6, 3, 3, bias: false, dtype: DType.Float64));
        if (transforms)
        {
            ((Linear)chain[0]).InputTransform = new Tanh();
            ((Linear)chain[2]).WeightTransform = new Tanh();
        }
        var twin = (Sequential)chain.DeepCopy();
        var x = Variable.Constant(Tensor.RandomNormal([2, 4, 5], 4, dtype: DType.Float64));
        var fused = chain.Forward(x);
        var oneByOne = x;
        for (int i = 0; i < twin.Count; i++) oneByOne = twin[i].Forward(oneByOne);
        var upstream = Tensor.RandomNormal([2, 4, 3], 5, dtype: DType.Float64);
        fused.Backward(upstream);
        oneByOne.Backward(upstream);
        TensorAssert.AllClose(oneByOne.Value, fused.Value, 1e-13, 1e-13);
        var expected = twin.NamedParameters().ToList();
        var actual = chain.NamedParameters().ToList();
        Assert.Equal(expected.Select(p => p.Key), actual.Select(p => p.Key));
        for (int i = 0; i < expected.Count; i++)
            TensorAssert.AllClose(expected[i].Value.Grad!, actual[i].Value.Grad!, 1e-12, 1e-12);
    }
}

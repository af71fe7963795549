using Qail.Autograd;
using Qail.Engine;

namespace Qail.Perf.Nn;

/// <summary>
/// The three policy families at benchmark size, each with a batch of inputs, a loss and an AdamW optimizer:
/// MLP (64 -> 256 -> 256 -> 8, batch 256), CNN (ResNet-style, 3x32x32 input, batch 16),
/// transformer (vocabulary 256, 32 tokens, width 64, 4 heads, 2 blocks, batch 16).
/// </summary>
public sealed class PolicyFamily
{
    private readonly Func<Variable> _loss;
    private readonly Func<Variable> _singleForward;
    private readonly TensorArena _arena = new();

    private PolicyFamily(Qail.Nn.Module model, Func<Variable> loss, Func<Variable> singleForward)
    {
        Model = model;
        _loss = loss;
        _singleForward = singleForward;
        Optimizer = new Qail.Nn.AdamW(model.Parameters(), 1e-3);
    }

    /// <summary>The network.</summary>
    public Qail.Nn.Module Model { get; }

    /// <summary>AdamW over all parameters.</summary>
    public Qail.Nn.Optimizer Optimizer { get; }

    /// <summary>Forward, backward and one AdamW step on the batch, in a <see cref="TensorArena"/> step scope.</summary>
    public double TrainStep()
    {
        using var step = _arena.Step();
        Optimizer.ZeroGrad();
        var loss = _loss();
        loss.Backward();
        Optimizer.Step();
        return loss.Item();
    }

    /// <summary>Forward of one sample without recording the graph.</summary>
    public Tensor ForwardSingle()
    {
        using var _ = GradMode.NoGrad();
        return _singleForward().Value;
    }

    public static PolicyFamily Mlp()
    {
        var model = new Qail.Nn.Sequential(
            new Qail.Nn.Linear(64, 256, 1), new Qail.Nn.ReLU(), new Qail.Nn.Linear(256, 256, 2), new Qail.Nn.ReLU(),
            new Qail.Nn.Linear(256, 8, 3));
        var observations = Variable.Constant(Tensor.RandomNormal([256, 64], 4));
        var actions = Variable.Constant(Tensor.RandomNormal([256, 8], 5));
        var single = Variable.Constant(Tensor.RandomNormal([1, 64], 6));
        return new PolicyFamily(model, () => Qail.Nn.Losses.Mse(model.Forward(observations), actions),
            () => model.Forward(single));
    }

    public static PolicyFamily Cnn()
    {
        var model = new Qail.Nn.Sequential(
            new Qail.Nn.Conv2d(3, 16, 3, 1, padding: 1, bias: false), new Qail.Nn.BatchNorm2d(16), new Qail.Nn.ReLU(),
            new Qail.Nn.ResNetBasicBlock(16, 16, 2),
            new Qail.Nn.ResNetBasicBlock(16, 32, 3, stride: 2),
            new Qail.Nn.GlobalAvgPool2d(), new Qail.Nn.Linear(32, 8, 4));
        var images = Variable.Constant(Tensor.RandomNormal([16, 3, 32, 32], 5));
        var actions = Variable.Constant(Tensor.RandomNormal([16, 8], 6));
        var single = Variable.Constant(Tensor.RandomNormal([1, 3, 32, 32], 7));
        return new PolicyFamily(model, () => Qail.Nn.Losses.Mse(model.Forward(images), actions), () =>
        {
            model.Eval();
            try { return model.Forward(single); }
            finally { model.Train(); }
        });
    }

    public static PolicyFamily Transformer()
    {
        var model = new Qail.Nn.Sequential(
            new Qail.Nn.Embedding(256, 64, 1), new Qail.Nn.LearnedPositionalEmbedding(32, 64, 2),
            new Qail.Nn.TransformerBlock(64, 4, 256, 3, causal: true),
            new Qail.Nn.TransformerBlock(64, 4, 256, 4, causal: true),
            new Qail.Nn.LayerNorm(64), new Qail.Nn.Linear(64, 256, 5));
        var rng = new SeededRandom(6);
        var tokens = Tensor.From<int>(Enumerable.Range(0, 16 * 33).Select(_ => rng.NextInt(256)).ToArray(), [16, 33]);
        var inputs = Variable.Constant(tokens.Slice(1, 0, 32).Contiguous());
        var targets = tokens.Slice(1, 1, 33).Contiguous();
        var single = Variable.Constant(tokens.Slice(0, 0, 1).Slice(1, 0, 32).Contiguous());
        return new PolicyFamily(model, () => Qail.Nn.Losses.CrossEntropy(model.Forward(inputs), targets),
            () => model.Forward(single));
    }
}

using System.Diagnostics;
using Qail.Autograd;
using Qail.Engine;
using Xunit.Abstractions;

namespace Qail.Nn.Tests.Learning;

public class TransformerSequenceTests(ITestOutputHelper output)
{
    private const int Vocabulary = 10, Length = 6;

    /// <summary>Token embedding + learned positions, two pre-norm blocks, final norm and a vocabulary head.</summary>
    private sealed class TokenTransformer : Module
    {
        public TokenTransformer(int dim, long seed)
        {
            RegisterModule("embedding", new Embedding(Vocabulary, dim, Init.DeriveSeed(seed, 0)));
            RegisterModule("positions", new LearnedPositionalEmbedding(Length, dim, Init.DeriveSeed(seed, 1)));
            RegisterModule("blocks", new Sequential(new TransformerBlock(dim, 4, 2 * dim, Init.DeriveSeed(seed, 2)),
                new TransformerBlock(dim, 4, 2 * dim, Init.DeriveSeed(seed, 3))));
            RegisterModule("norm", new LayerNorm(dim));
            RegisterModule("head", new Linear(dim, Vocabulary, Init.DeriveSeed(seed, 4)));
        }

        public override Variable Forward(Variable input)
        {
            var x = RequireModule<LearnedPositionalEmbedding>("positions")
                .Forward(RequireModule<Embedding>("embedding").Forward(input));
            return RequireModule<Linear>("head")
                .Forward(RequireModule<LayerNorm>("norm").Forward(RequireModule<Sequential>("blocks").Forward(x)));
        }
    }

    private static (Tensor Tokens, Tensor Reversed) Data(int count, long seed)
    {
        var rng = new SeededRandom(seed);
        var tokens = new int[count * Length];
        var reversed = new int[count * Length];
        for (int n = 0; n < count; n++)
            for (int t = 0; t < Length; t++)
                tokens[n * Length + t] = reversed[n * Length + Length - 1 - t] = rng.NextInt(Vocabulary);
        return (Tensor.From<int>(tokens, [count, Length]), Tensor.From<int>(reversed, [count, Length]));
    }

    [Fact]
    public void TwoLayerTransformerLearnsToReverseSequences()
    {
        var clock = Stopwatch.StartNew();
        var model = new TokenTransformer(32, 5);
        var optimizer = new AdamW(model.Parameters(), 1e-2, weightDecay: 0.01);
        var schedule = new WarmupCosineSchedule(20, 150);
        for (int step = 0; step < 150; step++)
        {
            var (tokens, reversed) = Data(64, 1000 + step);
            schedule.Apply(optimizer, step);
            optimizer.ZeroGrad();
            Nn.Losses.CrossEntropy(model.Forward(Variable.Constant(tokens)), reversed).Backward();
            GradientClipping.ClipByGlobalNorm(model.Parameters(), 1.0);
            optimizer.Step();
        }
        model.Eval();
        var (testTokens, testReversed) = Data(200, 3);
        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(Variable.Constant(testTokens)).Value;
        var predicted = logits.ArgMax(2).ToDoubleArray();
        var truth = testReversed.ToArray<int>();
        double accuracy = predicted.Where((p, i) => (int)p == truth[i]).Count() / (double)truth.Length;
        output.WriteLine(
            $"Transformer reverse: held-out token accuracy {accuracy:P1} in {clock.ElapsedMilliseconds} ms");
        Assert.True(accuracy >= 0.95, $"held-out token accuracy {accuracy:P1} should be at least 95%");
    }
}

using FsCheck.Xunit;
using Qail.Envs.Manipulation;

namespace Qail.Envs.Tests.Manipulation;

public sealed class ActionTokenizerTests
{
    private static readonly ActionSpace Space = new TabletopEnv(LiberoSuite.Goal).Spec.Action;
    private static readonly ActionTokenizer Tabletop = new(Space);

    [Property(MaxTest = 300)]
    public void RoundTripIsWithinHalfABin(int seed)
    {
        var rng = SplitMix64.Derive(seed, 5);
        // Random bounds and bin counts as well as the tabletop's own space.
        int size = 1 + rng.NextInt(6);
        var low = new float[size];
        var high = new float[size];
        for (int d = 0; d < size; d++)
        {
            low[d] = (float)rng.Uniform(-5, 1);
            high[d] = low[d] + (float)rng.Uniform(0.01, 6);
        }
        foreach (var tokenizer in new[] { Tabletop,
            new ActionTokenizer(new ActionSpace(low, high, 2 + rng.NextInt(1023))) })
        {
            var action = new float[tokenizer.Size];
            for (int d = 0; d < action.Length; d++)
            {
                var (lo, hi) = tokenizer == Tabletop ? (Space.Low[d], Space.High[d]) : (low[d], high[d]);
                // Include the exact bounds now and then.
                int pick = rng.NextInt(10);
                action[d] = pick == 0 ? lo : pick == 1 ? hi : Math.Clamp((float)rng.Uniform(lo, hi), lo, hi);
            }
            int[] tokens = tokenizer.Encode(action);
            float[] back = tokenizer.Decode(tokens);
            for (int d = 0; d < action.Length; d++)
            {
                Assert.InRange(tokens[d], 0, tokenizer.Bins - 1);
                double half = tokenizer.BinWidth(d) / 2;
                // Half a bin, plus the float rounding of the decoded centre (one ulp at the value's magnitude).
                float magnitude = Math.Max(Math.Abs(action[d]), Math.Abs(back[d]));
                Assert.True(Math.Abs((double)back[d] - action[d]) <= half + (MathF.BitIncrement(magnitude) - magnitude),
                    $"dimension {d}: {action[d]} -> token {tokens[d]} -> {back[d]}, more than half a bin ("
                    + $"{half}) away");
            }
            Assert.Equal(tokens, tokenizer.Encode(back));
        }
    }

    [Fact]
    public void BoundsMapToTheFirstAndLastBin()
    {
        Assert.Equal([0, 0, 0, 0], Tabletop.Encode(Space.Low));
        Assert.Equal([255, 255, 255, 255], Tabletop.Encode(Space.High));
        // The jaw command keeps its sign through the tokens.
        Assert.True(Tabletop.Decode(Tabletop.Encode([0, 0, 0, 1f]))[3] > 0);
        Assert.True(Tabletop.Decode(Tabletop.Encode([0, 0, 0, -1f]))[3] < 0);
    }

    [Fact]
    public void BadInputIsRejected()
    {
        Assert.Throws<ArgumentException>(() => Tabletop.Encode([0, 0, 0]));
        Assert.Throws<ArgumentException>(() => Tabletop.Encode([0.031f, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => Tabletop.Encode([float.NaN, 0, 0, 0]));
        Assert.Throws<ArgumentException>(() => Tabletop.Decode([0, 0, 256, 0]));
        Assert.Throws<ArgumentException>(() => Tabletop.Decode([0, -1, 0, 0]));
        Assert.Throws<ArgumentException>(() => new ActionTokenizer(new ActionSpace([0f], [1f], Bins: 0)));
        Assert.Throws<ArgumentException>(() => new ActionTokenizer(new ActionSpace([1f], [1f], Bins: 256)));
        Assert.Throws<ArgumentException>(() => new ActionTokenizer(new ActionSpace([0f, 0f], [1f], Bins: 256)));
    }
}

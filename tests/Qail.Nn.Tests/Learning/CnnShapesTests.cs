using System.Diagnostics;
using Qail.Autograd;
using Qail.Engine;
using Xunit.Abstractions;

namespace Qail.Nn.Tests.Learning;

public class CnnShapesTests(ITestOutputHelper output)
{
    private const int Size = 12;

    /// <summary>
    /// Noisy 12x12 images of a horizontal bar (class 0), a vertical bar (1) or a hollow square (2) at random places.
    /// </summary>
    private static (Tensor Images, Tensor Labels) Data(int count, long seed)
    {
        var rng = new SeededRandom(seed);
        var pixels = new float[count * Size * Size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int label = labels[n] = rng.NextInt(3);
            var image = pixels.AsSpan(n * Size * Size, Size * Size);
            for (int i = 0; i < image.Length; i++) image[i] = (float)(0.15 * rng.NextNormal());
            int length = 5 + rng.NextInt(3);
            int r = rng.NextInt(Size - length), c = rng.NextInt(Size - length);
            for (int k = 0; k < length; k++)
            {
                if (label == 0) image[r * Size + c + k] += 1;
                else if (label == 1) image[(r + k) * Size + c] += 1;
                else
                {
                    image[r * Size + c + k] += 1;
                    image[(r + length - 1) * Size + c + k] += 1;
                    if (k > 0 && k < length - 1)
                    {
                        image[(r + k) * Size + c] += 1;
                        image[(r + k) * Size + c + length - 1] += 1;
                    }
                }
            }
        }
        return (Tensor.From<float>(pixels, [count, 1, Size, Size]), Tensor.From<int>(labels));
    }

    [Fact]
    public void SmallCnnClassifiesShapes()
    {
        var clock = Stopwatch.StartNew();
        var model = new Sequential(
            new Conv2d(1, 8, 3, 1, padding: 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, 2, padding: 1), new BatchNorm2d(16), new ReLU(),
            new GlobalAvgPool2d(), new Linear(16, 3, 3));
        var optimizer = new AdamW(model.Parameters(), 0.01, weightDecay: 1e-4);
        for (int step = 0; step < 120; step++)
        {
            var (images, labels) = Data(32, 100 + step);
            optimizer.ZeroGrad();
            Nn.Losses.CrossEntropy(model.Forward(Variable.Constant(images)), labels).Backward();
            optimizer.Step();
        }
        model.Eval();
        var (testImages, testLabels) = Data(300, 7);
        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(Variable.Constant(testImages)).Value;
        var predicted = logits.ArgMax(1).ToDoubleArray();
        var truth = testLabels.ToArray<int>();
        double accuracy = predicted.Where((p, i) => (int)p == truth[i]).Count() / (double)truth.Length;
        output.WriteLine($"CNN shapes: held-out accuracy {accuracy:P1} in {clock.ElapsedMilliseconds} ms");
        Assert.True(accuracy >= 0.9, $"held-out accuracy {accuracy:P1} should be at least 90%");
    }
}

using Qail.Autograd;
using Qail.Envs;
using Qail.Experiments;
using Qail.Policies;
using Qail.Quantization;
using Qail.Training;

namespace Qail.Tests.Quantization;

/// <summary>
/// The rotation baseline: the rotated FP network is the same function; quantized, its rotations stay in place.
/// </summary>
public class QuaRotTests
{
    [Fact]
    public void RandomizedHadamardIsOrthogonal()
    {
        const int k = 16;
        var q = QuaRot.RandomizedHadamard(k, seed: 4);
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                for (int m = 0; m < k; m++) dot += q[i * k + m] * (double)q[j * k + m];
                Assert.Equal(i == j ? 1 : 0, dot, 6);
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => QuaRot.RandomizedHadamard(12, 0));
    }

    [Fact]
    public void RandomizedHadamardSpreadsANonNegativeInput()
    {
        // A ReLU layer's output is non-negative: a rotation without input signs would put sqrt(k) * mean into one
        // channel.
        const int k = 256;
        var q = QuaRot.RandomizedHadamard(k, seed: 4);
        var rotated = new double[k];
        for (int j = 0; j < k; j++)
            for (int i = 0; i < k; i++) rotated[j] += q[i * k + j];
        double largest = rotated.Max(Math.Abs);
        Assert.True(largest < 0.5 * Math.Sqrt(k),
            $"largest rotated channel of a constant input {largest:F2}, sqrt(k) = {Math.Sqrt(k)}");
    }

    [Fact]
    public void RotatedFullPrecisionNetworkComputesTheSameFunction()
    {
        var demos = Demonstrations.Collect("pendulum-swingup", 2, seed: 8, actionNoise: 0.1);
        var network = new MlpPolicy(Env.Lookup("pendulum-swingup").Create().Spec, [32, 64], seed: 9);
        BehaviourCloning.Train(network, demos, new TrainOptions { Epochs = 1 });
        var (rotated, layers) = QuaRot.Rotate(network, seed: 10);
        Assert.Equal(["body.2", "body.4"], layers); // the 3-wide observation layer is not a power of two
        var batch = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(0, 200).ToArray());
        using (GradMode.NoGrad())
        {
            network.Eval();
            rotated.Eval();
            var expected = network.Predict(batch).Value.ToArray<float>();
            var actual = rotated.Predict(batch).Value.ToArray<float>();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        }
        // Weights change (the rotation is folded in), the function does not.
        Assert.NotEqual(((Qail.Nn.Linear)network.FindModule("body.2")).Weight.Value.ToArray<float>(),
            ((Qail.Nn.Linear)rotated.FindModule("body.2")).Weight.Value.ToArray<float>());

        var student = QuaRot.Apply(network, QuantConfig.W4A4(),
            QuantizationStudy.CalibrationBatches(demos, 3, batches: 2).ToList(), gptq: true);
        var quantized = Quantizer.Layers(student);
        Assert.All(quantized, l => Assert.NotNull(l.Input));
        Assert.IsType<RotatedInput>(quantized[1].Layer.InputTransform);
    }
}

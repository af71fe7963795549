using Qail.Autograd;
using Qail.Engine;
using Qail.Envs;
using Qail.Policies;
using Qail.Testing;
using Qail.Tests.Policies;
using Qail.Training;

namespace Qail.Tests.Training;

/// <summary>
/// Saliency's one batched forward (unmasked steps and every masked copy stacked) against the masked forward passes
/// run one mask at a time, for image patches (CILRS, with commands and speed beside the image) and state dimensions.
/// </summary>
public class SaliencyBatchTests
{
    [Fact]
    public void ImagePatchChangesEqualOneForwardPerMask()
    {
        var demos = StepLimitedEnv.Collect("driving-nocrash-tt", 1, 20, seed: 7);
        var spec = Env.Lookup(demos.EnvName).Create().Spec;
        var teacher = new CilrsPolicy(spec, 3, width: 4, featureSize: 16, headHidden: 8);
        const int patch = 16;
        var perMask = Saliency.PerMask(teacher, demos, patch, workers: 2);
        var batch = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(0, demos.Steps).ToArray());
        var shape = batch.Images!.ShapeToArray();
        int columns = (shape[3] + patch - 1) / patch, plane = shape[2] * shape[3];
        Assert.Equal((shape[2] + patch - 1) / patch * columns, perMask.Length);
        var pixels = batch.Images.ToArray<float>();
        for (int m = 0; m < perMask.Length; m++)
        {
            var masked = (float[])pixels.Clone();
            for (int i = 0; i < shape[0] * shape[1]; i++)
            {
                float mean = pixels.AsSpan(i * plane, plane).ToArray().Average();
                for (int y = m / columns * patch; y < Math.Min(m / columns * patch + patch, shape[2]); y++)
                    for (int x = m % columns * patch; x < Math.Min(m % columns * patch + patch, shape[3]); x++)
                        masked[i * plane + y * shape[3] + x] = mean;
            }
            AssertChanges(teacher, batch, batch with { Images = Tensor.From<float>(masked, shape) }, perMask[m]);
        }
    }

    [Fact]
    public void StateDimensionChangesEqualOneForwardPerMask()
    {
        var demos = Demonstrations.Collect("cartpole-balance", episodes: 1, seed: 5, actionNoise: 0.1);
        var teacher = new MlpPolicy(Env.Lookup("cartpole-balance").Create().Spec, [16, 16], seed: 1);
        var perMask = Saliency.PerMask(teacher, demos, workers: 1);
        var batch = PolicyBatch.FromDemonstrations(demos, Enumerable.Range(0, demos.Steps).ToArray());
        int width = demos.StateSize;
        Assert.Equal(width, perMask.Length);
        var states = batch.States!.ToArray<float>();
        for (int j = 0; j < width; j++)
        {
            float mean = (float)Enumerable.Range(0, demos.Steps).Average(r => (double)states[r * width + j]);
            var masked = (float[])states.Clone();
            for (int r = 0; r < demos.Steps; r++) masked[r * width + j] = mean;
            AssertChanges(teacher, batch, batch with { States = Tensor.From<float>(masked, [demos.Steps, width]) },
                perMask[j]);
        }
    }

    private static void AssertChanges(PolicyNetwork teacher, PolicyBatch batch, PolicyBatch masked, double[] actual)
    {
        using var noGrad = GradMode.NoGrad();
        var change = (teacher.Predict(masked).Value - teacher.Predict(batch).Value).Square()
            .Reshape(batch.Size, -1).Mean([1]).Cast(DType.Float64);
        TensorAssert.AllClose(change, Tensor.From<double>(actual, [actual.Length]), 1e-3, 1e-9);
    }
}

using Microsoft.ML.OnnxRuntime;
using Qail.Envs;
using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Onnx.Tests;

/// <summary>
/// The data-movement ops the family graphs fold into a Conv or never emit alone: an im2col whose patches something
/// other than one weight layer reads (a CHW image and an HWC map, with padding and stride) lowers to a Gather through
/// the runtime's table; ONNX Runtime copies the same values, so the actions are equal.
/// </summary>
public sealed class GatherLoweringTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnIm2colReadByAnotherOpGathersTheRuntimesPatches(bool channelsLast)
    {
        var graph = new PolicyGraph();
        int image = graph.Input(GraphInput.Image(3, 6, 5));
        int map = channelsLast ? graph.Add(new ChannelsFirst(30, 3), image) : image;
        var patches = new Im2col(3, 6, 5, kernel: 3, stride: 2, padding: 1, channelsLast);
        graph.Add(patches, map);
        graph.Then(new Relu(patches.OutputSize));
        graph.Then(new RowSlice(patches.Rows, patches.Columns, start: 1, count: 2));
        var deployed = new DeployedPolicy("gather", "FP32", graph);
        var model = DeployedPolicyOnnx.Export(SafeTensors.Deserialize(deployed.ToBytes()), "gather");
        using var session = new InferenceSession(model);
        var random = new Random(4);
        for (int i = 0; i < 5; i++)
        {
            var pixels = new byte[6 * 5 * 3];
            random.NextBytes(pixels);
            var ours = deployed.Act(new PolicyInputs { Image = pixels });
            var theirs = OnnxPolicyRun.Act(session, new Observation(null, pixels));
            Assert.Equal(ours, theirs);
        }
    }
}

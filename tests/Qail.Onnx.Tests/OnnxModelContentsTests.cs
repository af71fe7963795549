namespace Qail.Onnx.Tests;

/// <summary>The protobuf reader gives back what <see cref="OnnxGraph"/> wrote and refuses a cut model in one
/// line.</summary>
public sealed class OnnxModelContentsTests
{
    private static byte[] Model()
    {
        var g = new OnnxGraph("contents")
            .AddInput("x", OnnxElementType.Float, 1, 2)
            .AddInitializer<byte>("codes", OnnxElementType.UInt8, [2], [1, 2])
            .AddInitializer<float>("scale", OnnxElementType.Float, [], [0.5f])
            .AddOutput("y", OnnxElementType.Float, 1, 2);
        g.AddNode("DequantizeLinear", ["codes", "scale"], ["w"]);
        g.AddNode("Mul", ["x", "w"], ["y"]);
        return g.ToModel([("", 21)]);
    }

    [Fact]
    public void ReadsBackOperatorsAndInitializers()
    {
        var model = Model();
        Assert.Equal(new Dictionary<string, int> { ["DequantizeLinear"] = 1, ["Mul"] = 1 },
            OnnxModelContents.Operators(model));
        Assert.Equal([("codes", OnnxElementType.UInt8), ("scale", OnnxElementType.Float)],
            OnnxModelContents.Initializers(model));
    }

    [Fact]
    public void CutModelsReadOrThrowInvalidData()
    {
        var model = Model();
        for (int length = 0; length < model.Length; length++)
        {
            var cut = model[..length];
            try
            {
                OnnxModelContents.Operators(cut);
                OnnxModelContents.Initializers(cut);
            }
            catch (InvalidDataException)
            {
                // The one failure a cut model may give.
            }
        }
    }
}

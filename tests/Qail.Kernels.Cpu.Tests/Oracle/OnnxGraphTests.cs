using Qail.Onnx;

namespace Qail.Kernels.Cpu.Tests.Oracle;

/// <summary>The hand-written ONNX writer: exact protobuf bytes for a tiny model, and argument checks.</summary>
public sealed class OnnxGraphTests
{
    /// <summary>
    /// A one-node Relu model encodes to the bytes protobuf prescribes (tags, varints, nested lengths).
    /// </summary>
    [Fact]
    public void TinyModelHasTheProtobufBytes()
    {
        var g = new OnnxGraph("g").AddInput("x", OnnxElementType.Float, 2L).AddOutput("y", OnnxElementType.Float, 2L);
        g.AddNode("Relu", ["x"], ["y"], name: "r");
        var bytes = g.ToModel([("", 21)], irVersion: 9, producer: "q");
        byte[] valueInfoX = [0x0A, 1, (byte)'x', 0x12, 10, 0x0A, 8, 0x08, 1, 0x12, 4, 0x0A, 2, 0x08, 2];
        byte[] valueInfoY = [0x0A, 1, (byte)'y', 0x12, 10, 0x0A, 8, 0x08, 1, 0x12, 4, 0x0A, 2, 0x08, 2];
        byte[] node = [0x0A, 1, (byte)'x', 0x12, 1, (byte)'y', 0x1A, 1, (byte)'r', 0x22, 4, (byte)'R', (byte)'e',
            (byte)'l', (byte)'u'];
        byte[] graph = [0x0A, (byte)node.Length, .. node, 0x12, 1, (byte)'g', 0x5A, (byte)valueInfoX.Length,
            .. valueInfoX, 0x62, (byte)valueInfoY.Length, .. valueInfoY];
        byte[] expected = [0x08, 9, 0x12, 1, (byte)'q', 0x3A, (byte)graph.Length, .. graph, 0x42, 4, 0x0A, 0, 0x10, 21];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void BadArgumentsNameTheArgument()
    {
        var g = new OnnxGraph("g").AddInput("x", OnnxElementType.Float, 2L);
        Assert.Equal("name",
            Assert.Throws<ArgumentException>(() => g.AddInput("x", OnnxElementType.Float, 2L)).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => g.AddInitializer<float>("w", OnnxElementType.Float,
            [3], [1f, 2f])).ParamName);
        Assert.Equal("type", Assert.Throws<ArgumentException>(() => g.AddInitializer<float>("w", OnnxElementType.Int8,
            [2], [1f, 2f])).ParamName);
        Assert.Equal("shape",
            Assert.Throws<ArgumentException>(() => g.AddOutput("y", OnnxElementType.Float, -1L)).ParamName);
        Assert.Equal("opsets", Assert.Throws<ArgumentException>(() => g.ToModel([])).ParamName);
    }
}

using Qail.Runtime;
using SafeTensors = Qail.Engine.Serialization.SafeTensors;

namespace Qail.Onnx.Tests;

/// <summary>
/// A W8A8 export writes its 8-bit codes (weights, activation zero points and clip bounds) as uint8 only: ONNX
/// Runtime's uint8 x int8 kernel on x86 without VNNI saturates pairs of products to int16 (actions off by up to 0.3
/// of the range), which the acting tests see only on such a CPU; this holds on every CPU.
/// </summary>
public sealed class EightBitCodeTests
{
    [Theory]
    [InlineData("mlp")]
    [InlineData("cilrs")]
    [InlineData("vla")]
    public void EightBitCodesAreUnsigned(string family)
    {
        DeployedPolicy deployed = family == "mlp"
            ? OnnxExportTests.Deployed("W8A8")
            : ImagePolicyOnnxTests.Deployed(ImagePolicyOnnxTests.Network(family), "W8A8");
        var model = DeployedPolicyOnnx.Export(SafeTensors.Deserialize(deployed.ToBytes()), family);
        var initializers = OnnxModelContents.Initializers(model);
        var signed = initializers.Where(i => i.Type == OnnxElementType.Int8).Select(i => i.Name).ToList();
        Assert.True(signed.Count == 0, $"{family} W8A8 export has int8 initializers: {string.Join(", ", signed)}.");
        Assert.Contains(initializers, i => i.Type == OnnxElementType.UInt8);
        Assert.True(OnnxModelContents.Operators(model).GetValueOrDefault("QuantizeLinear") > 0,
            $"{family} W8A8 export quantizes no activations.");
    }
}

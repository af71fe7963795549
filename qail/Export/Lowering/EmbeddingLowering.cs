using Qail.Nn;
using Qail.Runtime;

namespace Qail.Exporting;

/// <summary>An embedding's rows as the fake-quant model reads them: codes with its quantizer's own scales, or
/// fp32.</summary>
internal static class EmbeddingLowering
{
    public static EmbeddingTable Table(Embedding layer, string path)
    {
        var weight = LoweringContext.Floats(layer.Weight.Value);
        return LayerExport.WeightCodes(path, layer, weight, layer.Count, layer.Dim) is { } codes
            ? new EmbeddingTable(codes)
            : new EmbeddingTable(weight, layer.Count, layer.Dim, $"Export: layer '{path}'");
    }
}

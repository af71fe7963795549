using Qail.Nn;

namespace Qail.Quantization;

/// <summary>
/// One weight layer of a prepared model and the quantizers inserted into it (null where it stays full precision).
/// </summary>
/// <param name="Path">Dotted module path, e.g. "body.2".</param>
/// <param name="Layer">The layer in the prepared copy.</param>
/// <param name="Weight">Its weight quantizer, or null when the layer was skipped.</param>
/// <param name="Input">Its input-activation quantizer, or null for weight-only quantization.</param>
/// <param name="Note">Why the layer deviates from the config (skipped, per-channel fallback), or empty.</param>
public sealed record QuantizedLayer(string Path, WeightedLayer Layer, FakeQuantize? Weight, FakeQuantize? Input,
    string Note);

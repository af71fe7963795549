namespace Qail.Quantization;

/// <summary>A weight layer whose input channels were not rescaled.</summary>
/// <param name="Path">Module path of the layer.</param>
/// <param name="Reason">Why: no producer can absorb the scale, the config keeps it in full precision, ...</param>
public sealed record AwqSkip(string Path, string Reason);

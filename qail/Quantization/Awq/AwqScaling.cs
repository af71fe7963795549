namespace Qail.Quantization;

/// <summary>
/// One searched group: layers reading the same producer's output channels, scaled by one s = mean|x|^alpha.
/// </summary>
/// <param name="Layers">Paths of the weight layers whose input columns were multiplied by s.</param>
/// <param name="Producers">Paths of what absorbed 1/s (Linear rows, norm scales, normalisation buffers).</param>
/// <param name="Alpha">The chosen exponent; 0 keeps round-to-nearest.</param>
/// <param name="RoundToNearestError">Summed squared output error of the quantized layers on the search data at alpha
/// 0.</param>
/// <param name="Error">The same error at the chosen alpha (never above <paramref name="RoundToNearestError"/> unless
/// the alpha was fixed).</param>
public sealed record AwqScaling(IReadOnlyList<string> Layers, IReadOnlyList<string> Producers, double Alpha,
    double RoundToNearestError, double Error);

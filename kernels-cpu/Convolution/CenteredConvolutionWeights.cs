namespace Qail.Kernels.Cpu;

/// <summary>
/// Convolution weights for <see cref="CenteredConvolution"/>, packed once: centered codes w - wZero[n] as int16, in
/// pairs of consecutive patch columns per output, [K/2][N rounded up to 16][2], so one multiply-add of adjacent
/// int16 pairs (vpmaddwd) adds two columns' products for 16 outputs at once. Patch columns run (ky, kx, channel), the
/// order of an NHWC map's patch.
/// </summary>
public sealed class CenteredConvolutionWeights
{
    /// <summary>Outputs per packed block: one 512-bit vector of int32 sums.</summary>
    public const int Block = 16;

    /// <summary>Largest magnitude of a centered code (8-bit codes minus an 8-bit zero point).</summary>
    public const int MaxMagnitude = 255;

    /// <summary>Longest patch whose int32 sums cannot overflow: K * 255 * 255 below 2^31.</summary>
    public const int MaxPatch = int.MaxValue / (MaxMagnitude * MaxMagnitude);

    private CenteredConvolutionWeights(short[] pairs, int outputs, int patch)
    {
        (Pairs, Outputs, Patch) = (pairs, outputs, patch);
    }

    /// <summary>Packed centered codes, [PatchPairs][PaddedOutputs][2].</summary>
    internal short[] Pairs { get; }

    /// <summary>Output channels N.</summary>
    public int Outputs { get; }

    /// <summary>Patch length K = kernel * kernel * channels.</summary>
    public int Patch { get; }

    /// <summary>K rounded up to even: the patch buffer's length.</summary>
    public int PaddedPatch => (Patch + 1) & ~1;

    /// <summary>N rounded up to <see cref="Block"/>.</summary>
    public int PaddedOutputs => (Outputs + Block - 1) / Block * Block;

    /// <summary>Packs centered weights w[n, k] (k over (ky, kx, channel)), each within +-255.</summary>
    public static CenteredConvolutionWeights Pack(ReadOnlySpan<int> centered, int outputs, int patch)
    {
        if (outputs < 1 || patch < 1 || (long)outputs * patch != centered.Length)
            throw new ArgumentException(
                $"CenteredConvolutionWeights: {centered.Length} weights are not outputs {outputs} x patch {patch}.",
                nameof(centered));
        if (patch > MaxPatch)
            throw new ArgumentException(
                $"CenteredConvolutionWeights: patch {patch} exceeds {MaxPatch}, where int32 sums could overflow.",
                nameof(patch));
        int padded = (outputs + Block - 1) / Block * Block, pairCount = (patch + 1) / 2;
        var pairs = new short[(long)pairCount * padded * 2];
        for (int n = 0; n < outputs; n++)
            for (int k = 0; k < patch; k++)
            {
                int w = centered[n * patch + k];
                if (w is < -MaxMagnitude or > MaxMagnitude)
                    throw new ArgumentException(
                        $"CenteredConvolutionWeights: weight [{n}, {k}] = {w} lies outside +-{MaxMagnitude}.",
                        nameof(centered));
                pairs[((k / 2) * padded + n) * 2 + (k & 1)] = (short)w;
            }
        return new CenteredConvolutionWeights(pairs, outputs, patch);
    }
}

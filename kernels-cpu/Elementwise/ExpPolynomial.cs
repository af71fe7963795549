namespace Qail.Kernels.Cpu;

/// <summary>
/// e^x in float by Cody-Waite range reduction and Cephes' degree-5 polynomial (about 2 ulp over the clamped range
/// [-87.33, 88]; below it the result is about 1e-38 rather than 0, above it about 1.6e38 rather than infinity): the
/// softmax and GELU kernels' exponential. <see cref="Scalar"/> and every <see cref="IFloatLanes{TVector}"/> width
/// run the same operations (fused where written fused), so all paths agree bit for bit.
/// </summary>
public static class ExpPolynomial
{
    internal const float Lowest = -87.33f;
    internal const float Highest = 88f;
    internal const float Log2E = 1.44269504088896341f;
    internal const float Ln2High = 0.693359375f;
    internal const float Ln2Low = -2.12194440e-4f;
    internal const float P0 = 1.9875691500e-4f;
    internal const float P1 = 1.3981999507e-3f;
    internal const float P2 = 8.3334519073e-3f;
    internal const float P3 = 4.1665795894e-2f;
    internal const float P4 = 1.6666665459e-1f;
    internal const float P5 = 5.0000001201e-1f;

    /// <summary>e^x for one value, as the vector paths compute it.</summary>
    public static float Scalar(float x)
    {
        x = MathF.Min(MathF.Max(x, Lowest), Highest);
        float n = MathF.Round(x * Log2E);
        float r = MathF.FusedMultiplyAdd(n, -Ln2High, x);
        r = MathF.FusedMultiplyAdd(n, -Ln2Low, r);
        float p = MathF.FusedMultiplyAdd(P0, r, P1);
        p = MathF.FusedMultiplyAdd(p, r, P2);
        p = MathF.FusedMultiplyAdd(p, r, P3);
        p = MathF.FusedMultiplyAdd(p, r, P4);
        p = MathF.FusedMultiplyAdd(p, r, P5);
        float e = MathF.FusedMultiplyAdd(p, r * r, r + 1f);
        return e * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);
    }
}

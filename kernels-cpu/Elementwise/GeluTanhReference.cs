namespace Qail.Kernels.Cpu;

/// <summary>Scalar reference of <see cref="GeluTanhKernel"/>: the same float steps per value.</summary>
public static class GeluTanhReference
{
    /// <summary>The contract of <see cref="GeluTanhKernel.Forward"/> (shapes checked there).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        const float cubic = GeluTanhKernel.Cubic, coefficient = GeluTanhKernel.Coefficient;
        for (int j = 0; j < x.Length; j++)
        {
            float v = x[j], u = (v * cubic * v * v + v) * coefficient;
            y[j] = v / (1f + ExpPolynomial.Scalar(u * -2f));
        }
    }
}

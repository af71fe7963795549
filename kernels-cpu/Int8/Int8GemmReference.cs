namespace Qail.Kernels.Cpu;

/// <summary>
/// Scalar reference for <see cref="Int8Gemm"/> straight from the definition (ONNX MatMulInteger with B = W^T):
/// C[m, n] = sum_k (A[m, k] - aZero) * (W[n, k] - wZero[n]), int32 with wrap-around.
/// </summary>
public static class Int8GemmReference
{
    /// <summary>uint8 activations A[m, K], weights W[N, K], weight zero points empty / one / per output.</summary>
    public static void Multiply(ReadOnlySpan<byte> a, int m, int aZeroPoint, ReadOnlySpan<sbyte> w, int n, int k,
        ReadOnlySpan<int> wZeroPoints, Span<int> c)
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var zw = wZeroPoints.IsEmpty ? 0 : wZeroPoints[wZeroPoints.Length == 1 ? 0 : j];
                var s = 0;
                for (var p = 0; p < k; p++) s += (a[i * k + p] - aZeroPoint) * (w[j * k + p] - zw);
                c[i * n + j] = s;
            }
    }

    /// <summary>int8 activations A[m, K], weights W[N, K], weight zero points empty / one / per output.</summary>
    public static void Multiply(ReadOnlySpan<sbyte> a, int m, int aZeroPoint, ReadOnlySpan<sbyte> w, int n, int k,
        ReadOnlySpan<int> wZeroPoints, Span<int> c)
    {
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                var zw = wZeroPoints.IsEmpty ? 0 : wZeroPoints[wZeroPoints.Length == 1 ? 0 : j];
                var s = 0;
                for (var p = 0; p < k; p++) s += (a[i * k + p] - aZeroPoint) * (w[j * k + p] - zw);
                c[i * n + j] = s;
            }
    }
}

using Qail.Kernels.Cpu;

namespace Qail.Kernels.Arm64Check;

/// <summary>
/// The runtime's fused fp32 kernels (attention, layer norm, GELU) on each path against their scalar references:
/// GELU bit for bit, the others within 1e-5 relative (their lanes sum in another order).
/// </summary>
internal static class FloatKernelChecks
{
    public static string? Attention(Random r, InstructionSet isa)
    {
        int heads = r.Next(1, 5), dh = r.Next(1, 33), dim = heads * dh, tokens = r.Next(1, 120);
        int queries = r.Next(1, tokens + 1);
        var keys = Enumerable.Range(0, tokens).Where(_ => r.Next(4) > 0).DefaultIfEmpty(0).ToArray();
        float[] q = Floats(r, queries * dim), k = Floats(r, tokens * dim), v = Floats(r, tokens * dim);
        var scratch = new float[MaskedAttentionKernel.ScratchSize(keys.Length, dim, heads)];
        var expected = new float[q.Length];
        var actual = new float[q.Length];
        float scale = 1 / MathF.Sqrt(dh);
        KernelDispatch.With(InstructionSet.Scalar,
            () => MaskedAttentionKernel.Forward(q, k, v, dim, heads, scale, keys, expected, scratch));
        KernelDispatch.With(isa,
            () => MaskedAttentionKernel.Forward(q, k, v, dim, heads, scale, keys, actual, scratch));
        return Close(expected, actual, $"attention tokens={tokens} dim={dim} heads={heads} keys={keys.Length}");
    }

    public static string? LayerNorm(Random r, InstructionSet isa)
    {
        int rows = r.Next(1, 12), features = r.Next(1, 100);
        float[] x = Floats(r, rows * features), weight = Floats(r, features), bias = Floats(r, features);
        var expected = new float[x.Length];
        var actual = new float[x.Length];
        KernelDispatch.With(InstructionSet.Scalar, () => LayerNormRowsKernel.Forward(x, weight, bias, 1e-5, expected));
        KernelDispatch.With(isa, () => LayerNormRowsKernel.Forward(x, weight, bias, 1e-5, actual));
        return Close(expected, actual, $"layer norm rows={rows} features={features}");
    }

    public static string? Gelu(Random r, InstructionSet isa)
    {
        var x = Floats(r, r.Next(0, 200)).Select(v => v * 6).ToArray();
        var expected = new float[x.Length];
        var actual = new float[x.Length];
        GeluTanhReference.Forward(x, expected);
        KernelDispatch.With(isa, () => GeluTanhKernel.Forward(x, actual));
        for (var i = 0; i < x.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                return $"gelu({x[i]}): {actual[i]} vs the reference {expected[i]}";
        return null;
    }

    private static float[] Floats(Random r, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();

    private static string? Close(float[] expected, float[] actual, string what)
    {
        for (var i = 0; i < expected.Length; i++)
            if (Math.Abs(actual[i] - expected[i]) > 1e-5 * (1 + Math.Abs(expected[i])))
                return $"{what}: index {i} expected {expected[i]} got {actual[i]}";
        return null;
    }
}

using Qail.Kernels.Cpu;

namespace Qail.Kernels.Arm64Check;

/// <summary>
/// Seeded randomized checks of every kernel path against its scalar reference: integer kernels bit for bit,
/// fp32 kernels within a stated relative tolerance. Each check returns null on success or a failure message.
/// </summary>
internal static class KernelChecks
{
    public static string? Int8Gemm(Random r, InstructionSet isa) =>
        Int8Product(r, isa, r.Next(1, 13), r.Next(1, 40), r.Next(1, 70), "gemm");

    /// <summary>
    /// The few-row (GEMV) int8 kernels: m in 1..4, odd n and k spanning several panel pairs and K tails.
    /// </summary>
    public static string? Int8Gemv(Random r, InstructionSet isa) =>
        Int8Product(r, isa, r.Next(1, 5), 2 * r.Next(0, 40) + 1, 2 * r.Next(0, 150) + 1, "gemv");

    /// <summary>
    /// The int8 GEMM with the cap at the generated 512-bit VNNI rank: where those kernels are absent (every ARM64
    /// CPU; x64 without executable memory) the intrinsics kernels must take the call and still equal the reference.
    /// </summary>
    public static string? Int8GemmUnderVnni512Cap(Random r, InstructionSet isa)
    {
        bool generated = false;
        KernelDispatch.With(InstructionSet.Vnni512, () => generated = KernelDispatch.UseVnni512);
        if (generated != (KernelDispatch.Detected == InstructionSet.Vnni512))
            return $"cap Vnni512 takes the generated kernels = {generated}, CPU detected as {KernelDispatch.Detected}";
        return Int8Product(r, InstructionSet.Vnni512, r.Next(1, 13), r.Next(1, 40), r.Next(1, 70),
            $"gemm under cap Vnni512 ({isa} run)");
    }

    /// <summary>
    /// The centered int16 convolution: random maps, kernels 1..3, strides 1..2, 1..40 outputs (the 8- and 4-output
    /// groups' tails), codes often at the +-255 extremes, against <see cref="CenteredConvolutionReference"/>.
    /// </summary>
    public static string? CenteredConvolution(Random r, InstructionSet isa)
    {
        int channels = r.Next(1, 20), kernel = r.Next(1, 4), stride = r.Next(1, 3), outputs = r.Next(1, 40);
        int height = r.Next(kernel, kernel + 9), width = r.Next(kernel, kernel + 9), patch = kernel * kernel * channels;
        int Code() => r.Next(4) == 0 ? (r.Next(2) == 0 ? -255 : 255) : r.Next(-255, 256);
        var map = Enumerable.Range(0, height * width * channels).Select(_ => (short)Code()).ToArray();
        var centered = Enumerable.Range(0, outputs * patch).Select(_ => Code()).ToArray();
        var weights = CenteredConvolutionWeights.Pack(centered, outputs, patch);
        int pixels = ((height - kernel) / stride + 1) * ((width - kernel) / stride + 1);
        var expected = new int[pixels * outputs];
        var actual = new int[pixels * outputs];
        CenteredConvolutionReference.Run(map, height, width, channels, kernel, stride, weights, expected);
        KernelDispatch.With(isa,
            () => Cpu.CenteredConvolution.Run(map, height, width, channels, kernel, stride, weights, actual));
        return Same(expected, actual, $"c={channels} k={kernel} s={stride} n={outputs} map {height}x{width}");
    }

    // Unsigned or signed activations with a random zero point; no, one or per-channel weight zero points.
    private static string? Int8Product(Random r, InstructionSet isa, int m, int n, int k, string kind)
    {
        var w = Enumerable.Range(0, n * k).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
        int[] zw = r.Next(3) switch { 0 => [], 1 => [r.Next(-128, 128)],
            _ => Enumerable.Range(0, n).Select(_ => r.Next(-128, 128)).ToArray() };
        var packed = PackedInt8Weights.Pack(w, n, k, zw);
        var expected = new int[m * n];
        var actual = new int[m * n];
        if (r.Next(2) == 0)
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (byte)r.Next(256)).ToArray();
            var za = r.Next(256);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            KernelDispatch.With(isa, () => Cpu.Int8Gemm.Multiply(a, m, za, packed, actual));
        }
        else
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
            var za = r.Next(-128, 128);
            Int8GemmReference.Multiply(a, m, za, w, n, k, zw, expected);
            KernelDispatch.With(isa, () => Cpu.Int8Gemm.Multiply(a, m, za, packed, actual));
        }
        return Same(expected, actual, $"{kind} m={m} n={n} k={k}");
    }

    public static string? Int4Integer(Random r, InstructionSet isa)
    {
        var (w, x, batch) = Int4Layer(r);
        var mode = r.Next(2) == 0 ? Int4ActivationMode.Int8 : Int4ActivationMode.Int4;
        var expected = new float[batch * w.Rows];
        var actual = new float[batch * w.Rows];
        KernelDispatch.With(InstructionSet.Scalar, () => Int4Matmul.Multiply(w, x, batch, expected, default, mode));
        KernelDispatch.With(isa, () => Int4Matmul.Multiply(w, x, batch, actual, default, mode));
        return Same(expected, actual, $"{mode} n={w.Rows} k={w.Columns} g={w.GroupSize} batch={batch}");
    }

    public static string? Int4Float(Random r, InstructionSet isa)
    {
        var (w, x, batch) = Int4Layer(r);
        var dq = new float[w.Rows * w.Columns];
        w.Source.Dequantize(dq);
        var actual = new float[batch * w.Rows];
        KernelDispatch.With(isa, () => Int4Matmul.Multiply(w, x, batch, actual, default, Int4ActivationMode.Float));
        for (var b = 0; b < batch; b++)
            for (var j = 0; j < w.Rows; j++)
            {
                double s = 0, mag = 0;
                for (var p = 0; p < w.Columns; p++)
                {
                    var t = (double)dq[j * w.Columns + p] * x[b * w.Columns + p];
                    s += t;
                    mag += Math.Abs(t);
                }
                if (Math.Abs(actual[b * w.Rows + j] - s) > 1e-5 * mag + 1e-30)
                    return $"float mode b={b} n={j}: {actual[b * w.Rows + j]} vs {s}";
            }
        return null;
    }

    public static string? Quantize(Random r, InstructionSet isa)
    {
        var x = Enumerable.Range(0, r.Next(1, 40)).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray();
        var scale = 0.001f + (float)r.NextDouble() * 0.05f;
        var z = r.Next(-20, 20);
        var expected = x.Select(v => (sbyte)QuantizeLinear.One(v, scale, z, -128, 127)).ToArray();
        var actual = new sbyte[x.Length];
        KernelDispatch.With(isa, () => QuantizeLinear.PerTensor(x, scale, z, actual));
        return Same(expected, actual, $"length {x.Length}");
    }

    /// <summary>Per-channel quantization of random rows (a kernel whose Scalar rank is the reference).</summary>
    public static sbyte[] QuantizePerChannel(Random r)
    {
        int channels = r.Next(1, 9), inner = r.Next(1, 40);
        var x = Enumerable.Range(0, channels * inner).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray();
        var scales = Enumerable.Range(0, channels).Select(_ => 0.001f + (float)r.NextDouble() * 0.05f).ToArray();
        var zeros = Enumerable.Range(0, channels).Select(_ => r.Next(-20, 20)).ToArray();
        var q = new sbyte[x.Length];
        QuantizeLinear.PerChannel(x, channels, scales, zeros, q);
        return q;
    }

    /// <summary>The int32-sums-to-codes epilogue against its one-value reference.</summary>
    public static string? Int8CodeEpilogue(Random r, InstructionSet isa)
    {
        var (rows, n) = (r.Next(1, 4), r.Next(1, 40));
        var c = Enumerable.Range(0, rows * n).Select(_ => r.Next(-100000, 100000)).ToArray();
        var scales = Enumerable.Range(0, n).Select(_ => 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        bool relu = r.Next(2) == 0;
        float yScale = 0.005f + 0.1f * (float)r.NextDouble();
        int zero = r.Next(0, 256);
        var expected = Enumerable.Range(0, c.Length)
            .Select(i => (byte)Cpu.Int8CodeEpilogue.One(c[i], scales[i % n], bias.Length > 0 ? bias[i % n] : 0f,
                bias.Length > 0, relu, yScale, zero, 0, 255)).ToArray();
        var actual = new byte[c.Length];
        KernelDispatch.With(isa,
            () => Cpu.Int8CodeEpilogue.Requantize(c, scales, bias, relu, yScale, zero, 0, 255, actual));
        return Same(expected, actual, $"rows {rows} n {n}");
    }

    /// <summary>The residual-block epilogue (floats and codes) against its one-value references.</summary>
    public static string? Int8ResidualEpilogue(Random r, InstructionSet isa)
    {
        var (rows, n) = (r.Next(1, 4), r.Next(1, 40));
        var c = Enumerable.Range(0, rows * n).Select(_ => r.Next(-100000, 100000)).ToArray();
        var scales = Enumerable.Range(0, n).Select(_ => 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        var skip = Enumerable.Range(0, rows * n).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray();
        bool relu = r.Next(2) == 0;
        float yScale = 0.005f + 0.1f * (float)r.NextDouble();
        int zero = r.Next(0, 256);
        var values = Enumerable.Range(0, c.Length).Select(i => Cpu.Int8ResidualEpilogue.Value(c[i], scales[i % n],
            bias.Length > 0 ? bias[i % n] : 0f, bias.Length > 0, skip[i], relu)).ToArray();
        var expected = values.Select(v => (byte)Cpu.Int8ResidualEpilogue.Code(v, yScale, zero, 0, 255)).ToArray();
        var (actual, floats) = (new byte[c.Length], new float[c.Length]);
        KernelDispatch.With(isa, () => Cpu.Int8ResidualEpilogue.Requantize(c, scales, bias, skip, relu, yScale, zero,
            0, 255, actual, floats));
        return Same(expected, actual, $"codes rows {rows} n {n}")
            ?? Same(Array.ConvertAll(values, BitConverter.SingleToInt32Bits),
                Array.ConvertAll(floats, BitConverter.SingleToInt32Bits), $"floats rows {rows} n {n}");
    }

    /// <summary>A quantized layer from float inputs (quantize, int8 GEMM, float epilogue), uint8 or int8.</summary>
    public static float[] QuantizeMultiplyToFloat(Random r)
    {
        var (m, n, k) = (r.Next(1, 20), r.Next(1, 40), r.Next(1, 70));
        var w = Enumerable.Range(0, n * k).Select(_ => (sbyte)r.Next(-127, 128)).ToArray();
        var packed = PackedInt8Weights.Pack(w, n, k, [r.Next(-20, 20)]);
        var x = Enumerable.Range(0, m * k).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        var scales = Enumerable.Range(0, n).Select(_ => 1e-4f + 0.01f * (float)r.NextDouble()).ToArray();
        var bias = r.Next(2) == 0 ? [] : Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray();
        bool unsignedCodes = r.Next(2) == 0;
        var y = new float[m * n];
        Cpu.Int8Gemm.QuantizeMultiplyToFloat(x, m, 0.01f + 0.02f * (float)r.NextDouble(), unsignedCodes ? 120 : 0,
            unsignedCodes ? 0 : -128, unsignedCodes ? 255 : 127, unsignedCodes, packed, scales, bias, r.Next(2) == 0,
            y);
        return y;
    }

    public static string? Sgemm(Random r, InstructionSet isa)
    {
        var (m, n, k) = (r.Next(1, 40), r.Next(1, 40), r.Next(1, 40));
        bool ta = r.Next(2) == 0, tb = r.Next(2) == 0;
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, k * n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var expected = new float[m * n];
        var actual = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        SgemmReference.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, expected, n);
        KernelDispatch.With(isa, () => Cpu.Sgemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0f, actual, n));
        for (var i = 0; i < m; i++)
            for (var j = 0; j < n; j++)
            {
                double mag = 0;
                for (var p = 0; p < k; p++)
                    mag += Math.Abs((double)a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j]);
                // fp32 accumulation: each of k additions rounds once, so |error| <= (k + 1) * 2^-24 * sum |a b|.
                if (Math.Abs(actual[i * n + j] - expected[i * n + j]) > (k + 1) * 6e-8 * mag + 1e-30)
                    return $"m={m} n={n} k={k} ({i},{j}): {actual[i * n + j]} vs {expected[i * n + j]}";
            }
        return null;
    }

    private static (PackedInt4Weights W, float[] X, int Batch) Int4Layer(Random r)
    {
        var g = new[] { 32, 64, 128 }[r.Next(3)];
        var (n, k, batch) = (r.Next(1, 30), g * r.Next(1, 4), r.Next(1, 14));
        var weights = Enumerable.Range(0, n * k).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var w = GroupwiseInt4Weights.Quantize(weights, n, k, g, symmetric: r.Next(2) == 0);
        return (new PackedInt4Weights(w),
            Enumerable.Range(0, batch * k).Select(_ => (float)(r.NextDouble() * 6 - 3)).ToArray(), batch);
    }

    /// <summary>Null when both arrays hold the same values, else the first difference.</summary>
    public static string? Same<T>(T[] expected, T[] actual, string what) where T : IEquatable<T>
    {
        if (expected.Length != actual.Length) return $"{what}: {actual.Length} values, expected {expected.Length}";
        for (var i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i])) return $"{what}: index {i} expected {expected[i]} got {actual[i]}";
        return null;
    }
}

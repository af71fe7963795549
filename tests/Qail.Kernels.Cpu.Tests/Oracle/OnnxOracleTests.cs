using FsCheck.Xunit;
using static Qail.Kernels.Cpu.Tests.Int8.QuantizedPaths;

namespace Qail.Kernels.Cpu.Tests.Oracle;

/// <summary>
/// ONNX Runtime as an independent oracle for the int8 and int4 kernels (models built with Qail.Onnx).
/// </summary>
public sealed class OnnxOracleTests
{
    /// <summary>
    /// Int8Gemm equals ONNX MatMulInteger exactly: uint8 and int8 activations, per-column weight zero points (the int8
    /// codes given to ONNX Runtime shifted to uint8, see <see cref="OnnxOracle.MatMulIntegerModel"/>).
    /// </summary>
    [Property(MaxTest = 12, Replay = "(1234,567)")]
    public void Int8GemmEqualsMatMulInteger(int seed)
    {
        var r = new Random(seed);
        var (m, n, k) = (r.Next(1, 20), r.Next(1, 40), r.Next(1, 90));
        var w = Weights(r, n * k);
        var zw = Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var bKxN = new sbyte[k * n];
        for (var j = 0; j < n; j++) for (var p = 0; p < k; p++) bKxN[p * n + j] = w[j * k + p];
        var packed = PackedInt8Weights.Pack(w, n, k, zw.Select(z => (int)z).ToArray());
        var unsignedA = r.Next(2) == 0;
        var (bU8, zwU8) = (OnnxOracle.Unsigned(bKxN), OnnxOracle.Unsigned(zw));
        int[] expected, actual = new int[m * n];
        if (unsignedA)
        {
            var a = Bytes(r, m * k);
            var za = r.Next(256);
            expected = OnnxOracle.Run<byte, int>(OnnxOracle.MatMulIntegerModel(m, k, n, bU8, za, zwU8), a, [m, k]);
            Int8Gemm.Multiply(a, m, za, packed, actual);
        }
        else
        {
            var a = SBytes(r, m * k);
            var za = r.Next(-128, 128);
            expected = OnnxOracle.Run<byte, int>(OnnxOracle.MatMulIntegerModel(m, k, n, bU8, za + 128, zwU8),
                OnnxOracle.Unsigned(a), [m, k]);
            Int8Gemm.Multiply(a, m, za, packed, actual);
        }
        AssertSame(expected, actual, $"MatMulInteger unsigned={unsignedA} m={m} n={n} k={k}");
    }

    /// <summary>
    /// Int4Matmul's dequantize-to-fp32 mode equals com.microsoft MatMulNBits (fp32 accuracy level) within 1e-5 of
    /// sum |w x|; the W4A8 mode stays within the int8 activation rounding error of it (1% of sum |w x|).
    /// </summary>
    [Property(MaxTest = 10, Replay = "(4321,765)")]
    public void Int4MatmulEqualsMatMulNBits(int seed)
    {
        var r = new Random(seed);
        var gs = new[] { 32, 64, 128 }[r.Next(3)];
        var (n, k, batch) = (r.Next(1, 40), gs * r.Next(1, 5), r.Next(1, 12));
        var source = GroupwiseInt4Weights.Quantize(Floats(r, n * k), n, k, gs, symmetric: r.Next(2) == 0);
        var x = Floats(r, batch * k, 2);
        var expected = OnnxOracle.Run<float, float>(OnnxOracle.MatMulNBitsModel(source, "batch", accuracyLevel: 0), x,
            [batch, k]);
        var dq = new float[n * k];
        source.Dequantize(dq);
        var packed = new PackedInt4Weights(source);
        var yFloat = new float[batch * n];
        Int4Matmul.Multiply(packed, x, batch, yFloat, mode: Int4ActivationMode.Float);
        var yInt8 = new float[batch * n];
        Int4Matmul.Multiply(packed, x, batch, yInt8, mode: Int4ActivationMode.Int8);
        for (var b = 0; b < batch; b++)
            for (var j = 0; j < n; j++)
            {
                double mag = 0;
                for (var p = 0; p < k; p++) mag += Math.Abs((double)dq[j * k + p] * x[b * k + p]);
                var e = expected[b * n + j];
                Assert.True(Math.Abs(yFloat[b * n + j] - e) <= 1e-5 * mag + 1e-6,
                    $"float mode b={b} n={j}: {yFloat[b * n + j]} vs ORT {e} (sym={source.IsSymmetric}, G={gs})");
                Assert.True(Math.Abs(yInt8[b * n + j] - e) <= 1e-2 * mag + 1e-6,
                    $"int8 mode b={b} n={j}: {yInt8[b * n + j]} vs ORT {e}");
            }
    }
}

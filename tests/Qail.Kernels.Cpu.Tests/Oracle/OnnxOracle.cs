using Microsoft.ML.OnnxRuntime;
using Qail.Onnx;

namespace Qail.Kernels.Cpu.Tests.Oracle;

/// <summary>
/// Builds the single-node ONNX models the oracle tests run (with <see cref="OnnxGraph"/>) and converts the canonical
/// int4 layout to MatMulNBits': B uint8 [N, K/G, G/2] (same bytes as ours -- low nibble first along K -- but codes
/// unsigned, so symmetric codes q become q + 8 = nibble XOR 8 with the default zero point 8), scales [N * K/G],
/// zero points uint8 [N * ceil((K/G)/2)], padded per row (ours are packed across rows).
/// </summary>
internal static class OnnxOracle
{
    /// <summary>MatMulInteger over uint8 A [m, k] and uint8 B [k, n] with per-column B zero points. Signed codes are
    /// passed shifted by 128 (code and zero point alike, the same product): ONNX Runtime's u8 x s8 kernel on x86
    /// without VNNI saturates pairs of products to int16, its u8 x u8 kernel is exact on every CPU.</summary>
    public static byte[] MatMulIntegerModel(int m, int k, int n, byte[] bKxN, int aZero, byte[] bZeroPerColumn)
    {
        var g = new OnnxGraph("matmul_integer")
            .AddInput("A", OnnxElementType.UInt8, m, k)
            .AddInitializer<byte>("B", OnnxElementType.UInt8, [k, n], bKxN)
            .AddOutput("Y", OnnxElementType.Int32, m, n)
            .AddInitializer<byte>("a_zero", OnnxElementType.UInt8, [], [(byte)aZero])
            .AddInitializer<byte>("b_zero", OnnxElementType.UInt8, [n], bZeroPerColumn);
        g.AddNode("MatMulInteger", ["A", "B", "a_zero", "b_zero"], ["Y"]);
        return g.ToModel([("", 21)]);
    }

    /// <summary>Signed codes as the unsigned ones <see cref="MatMulIntegerModel"/> takes.</summary>
    public static byte[] Unsigned(sbyte[] codes) => Array.ConvertAll(codes, c => (byte)(c + 128));

    public static byte[] MatMulNBitsModel(GroupwiseInt4Weights w, object batch, int accuracyLevel)
    {
        int n = w.Rows, k = w.Columns, gs = w.GroupSize, blocks = k / gs;
        var b = (byte[])w.Codes.Clone();
        if (w.IsSymmetric) for (var i = 0; i < b.Length; i++) b[i] ^= 0x88;
        var g = new OnnxGraph("matmul_nbits")
            .AddInput("A", OnnxElementType.Float, batch, k)
            .AddInitializer<byte>("B", OnnxElementType.UInt8, [n, blocks, gs / 2], b)
            .AddInitializer<float>("scales", OnnxElementType.Float, [n * blocks], w.Scales)
            .AddOutput("Y", OnnxElementType.Float, batch, n);
        List<string> inputs = ["A", "B", "scales"];
        if (!w.IsSymmetric)
        {
            var perRow = (blocks + 1) / 2;
            var zp = new byte[n * perRow];
            for (var row = 0; row < n; row++)
                for (var blk = 0; blk < blocks; blk++)
                    GroupwiseInt4Weights.SetNibble(zp, (long)row * perRow * 2 + blk, w.ZeroPoint(row, blk));
            g.AddInitializer<byte>("zero_points", OnnxElementType.UInt8, [n * perRow], zp);
            inputs.Add("zero_points");
        }
        g.AddNode("MatMulNBits", inputs, ["Y"], domain: "com.microsoft")
            .Attribute("K", k).Attribute("N", n).Attribute("bits", 4L).Attribute("block_size", gs)
                .Attribute("accuracy_level", accuracyLevel);
        return g.ToModel([("", 21), ("com.microsoft", 1)]);
    }

    /// <summary>Runs a one-input, one-output model on the CPU provider with one thread.</summary>
    public static TOut[] Run<TIn, TOut>(byte[] model, TIn[] input, long[] shape) where TIn : unmanaged
        where TOut : unmanaged
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["A"], [value], ["Y"]);
        return outputs[0].GetTensorDataAsSpan<TOut>().ToArray();
    }
}

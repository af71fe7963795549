using Microsoft.ML.OnnxRuntime;
using Qail.Kernels.Cpu;
using Qail.Onnx;
using Qail.Perf.Peers;

namespace Qail.Perf.Quantized;

/// <summary>
/// Quantized kernels side by side: int8 GEMM against ONNX Runtime MatMulInteger and against our fp32 Sgemm;
/// int4 GEMV/GEMM against ONNX Runtime MatMulNBits (fp32 accuracy level, and int8 activations level 4) and
/// against our fp32 GEMV (Sgemm, x * W^T). Inputs are seeded; the same data feed both sides.
/// </summary>
internal static class QuantizedPeers
{
    /// <summary>
    /// Square uint8 x int8 -> int32 GEMMs, for each thread count, against ORT and against fp32 Sgemm; against ORT
    /// also with our instruction set capped below the generated 512-bit VNNI kernels (the intrinsics path).
    /// </summary>
    public static IEnumerable<PeerComparison> Int8Gemm(int[] sizes, int[] threads) =>
        from t in threads
        from s in sizes
        from peer in new[] { "ORT", "ORT-capped", "Sgemm" }
        where peer != "ORT-capped" || KernelDispatch.Detected > InstructionSet.NativeExtended
        select Int8Comparison(s, t, peer);

    /// <summary>Int4 weights N x K (group 32), batch rows, against ORT MatMulNBits and against fp32 Sgemm.</summary>
    public static IEnumerable<PeerComparison> Int4(int[] batches, int n, int k, int[] threads) =>
        from t in threads
        from b in batches
        from peer in new[] { "ORT", "ORT-int8", "Sgemm" }
        select Int4Comparison(b, n, k, t, peer);

    private static PeerComparison Int8Comparison(int s, int threads, string peer) =>
        new($"int8 gemm {s}^3 t{threads} {Isa(peer)}", peer == "Sgemm" ? "our Sgemm" : "ORT MatMulInt", 2.0 * s * s * s,
            () =>
        {
            var r = new Random(2024);
            var a = new byte[s * s];
            var w = new sbyte[s * s];
            for (var i = 0; i < a.Length; i++) { a[i] = (byte)r.Next(256); w[i] = (sbyte)r.Next(-127, 128); }
            var packed = PackedInt8Weights.Pack(w, s, s);
            var c = new int[s * s];
            KernelThreads.Count = threads;
            Action ours = peer == "ORT-capped"
                ? () => KernelDispatch.With(InstructionSet.NativeExtended,
                    () => Qail.Kernels.Cpu.Int8Gemm.Multiply(a, s, 128, packed, c))
                : () => Qail.Kernels.Cpu.Int8Gemm.Multiply(a, s, 128, packed, c);
            if (peer == "Sgemm")
            {
                var af = a.Select(v => (v - 128) / 128f).ToArray();
                var wf = w.Select(v => v / 127f).ToArray();
                var y = new float[s * s];
                return new PeerPair(ours, () => Sgemm.Multiply(false, true, s, s, s, 1f, af, s, wf, s, 0f, y, s));
            }
            var bKxN = new sbyte[s * s];
            for (var n = 0; n < s; n++) for (var k = 0; k < s; k++) bKxN[k * s + n] = w[n * s + k];
            var model = new OnnxGraph("int8")
                .AddInput("A", OnnxElementType.UInt8, s, s)
                .AddInitializer<sbyte>("B", OnnxElementType.Int8, [s, s], bKxN)
                .AddInitializer<byte>("a_zero", OnnxElementType.UInt8, [], [128])
                .AddOutput("Y", OnnxElementType.Int32, s, s);
            model.AddNode("MatMulInteger", ["A", "B", "a_zero"], ["Y"]);
            var ort = new OnnxPeer(model.ToModel([("", 21)]), threads,
                OrtValue.CreateTensorValueFromMemory(a, [s, s]),
                OrtValue.CreateTensorValueFromMemory(new int[s * s], [s, s]));
            return new PeerPair(ours, ort.Run, ort.Dispose);
        });

    // The rank our side runs at, named in the row so each figure carries its path.
    private static InstructionSet Isa(string peer) =>
        peer == "ORT-capped" ? InstructionSet.NativeExtended : KernelDispatch.Active;

    private static PeerComparison Int4Comparison(int batch, int n, int k, int threads, string peer) =>
        new($"int4 b{batch} {n}x{k} t{threads}", peer switch { "ORT" => "ORT NBits", "ORT-int8" => "ORT NBits a8",
            _ => "our Sgemm" }, 2.0 * batch * n * k, () =>
        {
            var r = new Random(4096);
            var wf = new float[n * k];
            var x = new float[batch * k];
            for (var i = 0; i < wf.Length; i++) wf[i] = (float)(r.NextDouble() * 2 - 1);
            for (var i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
            var canonical = GroupwiseInt4Weights.Quantize(wf, n, k, 32, symmetric: true);
            var packed = new PackedInt4Weights(canonical);
            var y = new float[batch * n];
            KernelThreads.Count = threads;
            // Ours is the W4A8 integer path against ORT's int8-activation level and our fp32 GEMV; the
            // dequantize-to-fp32 path against ORT's fp32 level.
            var mode = peer == "ORT" ? Int4ActivationMode.Float : Int4ActivationMode.Int8;
            Action ours = () => Int4Matmul.Multiply(packed, x, batch, y, default, mode);
            if (peer == "Sgemm")
            {
                var yf = new float[batch * n];
                return new PeerPair(ours, () => Sgemm.Multiply(false, true, batch, n, k, 1f, x, k, wf, k, 0f, yf, n));
            }
            var b = (byte[])canonical.Codes.Clone();
            // signed codes -> MatMulNBits' unsigned codes with zero point 8
            for (var i = 0; i < b.Length; i++) b[i] ^= 0x88;
            var model = new OnnxGraph("int4")
                .AddInput("A", OnnxElementType.Float, batch, k)
                .AddInitializer<byte>("B", OnnxElementType.UInt8, [n, k / 32, 16], b)
                .AddInitializer<float>("scales", OnnxElementType.Float, [n * (k / 32)], canonical.Scales)
                .AddOutput("Y", OnnxElementType.Float, batch, n);
            model.AddNode("MatMulNBits", ["A", "B", "scales"], ["Y"], domain: "com.microsoft")
                .Attribute("K", k).Attribute("N", n).Attribute("bits", 4L).Attribute("block_size", 32L)
                .Attribute("accuracy_level", peer == "ORT" ? 0L : 4L);
            var ort = new OnnxPeer(model.ToModel([("", 21), ("com.microsoft", 1)]), threads,
                OrtValue.CreateTensorValueFromMemory(x, [batch, k]),
                OrtValue.CreateTensorValueFromMemory(new float[batch * n], [batch, n]));
            return new PeerPair(ours, ort.Run, ort.Dispose);
        });
}

using Microsoft.ML.OnnxRuntime;
using Qail.Kernels.Cpu;
using Qail.Onnx;
using Qail.Perf.Peers;
using Qail.Perf.Quantized;

namespace Qail.Perf.Batch1;

/// <summary>
/// Batch-1 policy layers y = W x (W stored n x n, out x in) on one thread, as a deployed policy runs them:
/// fp32 against OpenBLAS sgemv; int8 (signed activations, per-tensor zero point 0) against our fp32 GEMV and
/// ORT MatMulInteger; the whole W8A8 layer (quantize, int8 GEMV, per-channel rescale + bias) against our fp32
/// GEMV; int4 (group 32, W4A8, W4A4 and weight-only fp32) against our fp32 GEMV. Rows are named "gemv ...".
/// </summary>
internal static class Batch1Peers
{
    /// <summary>Every batch-1 comparison for each layer width.</summary>
    public static IEnumerable<PeerComparison> Layers(int[] sizes) =>
        from s in sizes
        from c in new[]
        {
            Fp32(s), Int8(s, "Sgemm"), Int8(s, "ORT"), Int8Layer(s),
            Int4(s, Int4ActivationMode.Int8), Int4(s, Int4ActivationMode.Int4), Int4(s, Int4ActivationMode.Float),
        }
        select c;

    private static PeerComparison Fp32(int s) =>
        new($"gemv fp32 {s}x{s}", "OpenBLAS gemv", 2.0 * s * s, () =>
        {
            var (w, x) = Data(s);
            float[] ours = new float[s], peer = new float[s];
            KernelThreads.Count = 1;
            OpenBlas.Threads(1);
            return new PeerPair(
                () => Sgemm.Multiply(false, true, 1, s, s, 1f, x, s, w, s, 0f, ours, s),
                () => OpenBlas.Sgemv(s, s, w, x, peer));
        });

    private static PeerComparison Int8(int s, string peer) =>
        new($"gemv int8 {s}x{s}", peer == "ORT" ? "ORT MatMulInt" : "our Sgemm", 2.0 * s * s, () =>
        {
            var (wq, a) = Codes(s);
            var packed = PackedInt8Weights.Pack(wq, s, s);
            var c = new int[s];
            KernelThreads.Count = 1;
            Action ours = () => Qail.Kernels.Cpu.Int8Gemm.Multiply(a, 1, 0, packed, c);
            if (peer == "Sgemm") return new PeerPair(ours, Fp32Call(s));
            var bKxN = new sbyte[s * s];
            for (var n = 0; n < s; n++) for (var k = 0; k < s; k++) bKxN[k * s + n] = wq[n * s + k];
            var model = new OnnxGraph("int8")
                .AddInput("A", OnnxElementType.Int8, 1, s)
                .AddInitializer<sbyte>("B", OnnxElementType.Int8, [s, s], bKxN)
                .AddOutput("Y", OnnxElementType.Int32, 1, s);
            model.AddNode("MatMulInteger", ["A", "B"], ["Y"]);
            var ort = new OnnxPeer(model.ToModel([("", 21)]), 1,
                OrtValue.CreateTensorValueFromMemory(a, [1, s]),
                OrtValue.CreateTensorValueFromMemory(new int[s], [1, s]));
            return new PeerPair(ours, ort.Run, ort.Dispose);
        });

    private static PeerComparison Int8Layer(int s) =>
        new($"gemv w8a8 layer {s}x{s}", "our Sgemm", 2.0 * s * s, () =>
        {
            var (wq, _) = Codes(s);
            var (_, x) = Data(s);
            var packed = PackedInt8Weights.Pack(wq, s, s);
            var r = new Random(99);
            var wScales = Enumerable.Range(0, s).Select(_ => 0.001f + 0.01f * (float)r.NextDouble()).ToArray();
            var bias = Enumerable.Range(0, s).Select(_ => (float)r.NextDouble()).ToArray();
            var a = new sbyte[s];
            var y = new float[s];
            KernelThreads.Count = 1;
            return new PeerPair(() =>
            {
                QuantizeLinear.PerTensor(x, 1f / 127, 0, a, -127, 127);
                Qail.Kernels.Cpu.Int8Gemm.MultiplyToFloat(a, 1, 0, 1f / 127, packed, wScales, bias, false, y);
            }, Fp32Call(s));
        });

    private static PeerComparison Int4(int s, Int4ActivationMode mode) =>
        new($"gemv int4 {mode} {s}x{s}", "our Sgemm", 2.0 * s * s, () =>
        {
            var (w, x) = Data(s);
            var packed = new PackedInt4Weights(GroupwiseInt4Weights.Quantize(w, s, s, 32, symmetric: true));
            var y = new float[s];
            KernelThreads.Count = 1;
            return new PeerPair(() => Int4Matmul.Multiply(packed, x, 1, y, default, mode), Fp32Call(s));
        });

    private static Action Fp32Call(int s)
    {
        var (w, x) = Data(s);
        var y = new float[s];
        return () => Sgemm.Multiply(false, true, 1, s, s, 1f, x, s, w, s, 0f, y, s);
    }

    private static (float[] W, float[] X) Data(int s)
    {
        var r = new Random(12345);
        var w = new float[s * s];
        var x = new float[s];
        for (var i = 0; i < w.Length; i++) w[i] = (float)(r.NextDouble() * 2 - 1);
        for (var i = 0; i < x.Length; i++) x[i] = (float)(r.NextDouble() * 2 - 1);
        return (w, x);
    }

    private static (sbyte[] W, sbyte[] A) Codes(int s)
    {
        var r = new Random(2024);
        var w = new sbyte[s * s];
        var a = new sbyte[s];
        for (var i = 0; i < w.Length; i++) w[i] = (sbyte)r.Next(-127, 128);
        for (var i = 0; i < a.Length; i++) a[i] = (sbyte)r.Next(-127, 128);
        return (w, a);
    }
}

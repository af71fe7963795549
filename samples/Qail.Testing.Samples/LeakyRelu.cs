using System.Runtime.Intrinsics;
using Qail.Kernels.Cpu;

namespace Qail.Testing.Samples;

/// <summary>
/// A user's hand-written kernel: leaky ReLU on the widest vector path the dispatcher allows (512, 256 or 128 bits),
/// a scalar loop for the tail, and the scalar reference it must equal bit for bit.
/// </summary>
public static class LeakyRelu
{
    public const float Slope = 0.125f;

    public static float[] Reference(float[] x) => x.Select(v => v > 0 ? v : v * Slope).ToArray();

    public static float[] Run(float[] x, bool skipTail = false)
    {
        var y = new float[x.Length];
        int i = KernelDispatch.Active switch
        {
            >= InstructionSet.NativeExtended when Vector512.IsHardwareAccelerated => Run512(x, y),
            >= InstructionSet.Native when Vector256.IsHardwareAccelerated => Run256(x, y),
            >= InstructionSet.Vector128 when Vector128.IsHardwareAccelerated => Run128(x, y),
            _ => 0,
        };
        // The deliberately broken variant forgets the tail whenever a vector path ran.
        if (skipTail && KernelDispatch.Active > InstructionSet.Scalar) return y;
        for (; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : x[i] * Slope;
        return y;
    }

    // One loop per width; each returns where the scalar tail starts.
    private static int Run512(float[] x, float[] y)
    {
        int i = 0;
        for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
        {
            var v = Vector512.LoadUnsafe(ref x[i]);
            Vector512.ConditionalSelect(Vector512.GreaterThan(v, Vector512<float>.Zero), v,
                v * Slope).StoreUnsafe(ref y[i]);
        }
        return i;
    }

    private static int Run256(float[] x, float[] y)
    {
        int i = 0;
        for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var v = Vector256.LoadUnsafe(ref x[i]);
            Vector256.ConditionalSelect(Vector256.GreaterThan(v, Vector256<float>.Zero), v,
                v * Slope).StoreUnsafe(ref y[i]);
        }
        return i;
    }

    private static int Run128(float[] x, float[] y)
    {
        int i = 0;
        for (; i <= x.Length - Vector128<float>.Count; i += Vector128<float>.Count)
        {
            var v = Vector128.LoadUnsafe(ref x[i]);
            Vector128.ConditionalSelect(Vector128.GreaterThan(v, Vector128<float>.Zero), v,
                v * Slope).StoreUnsafe(ref y[i]);
        }
        return i;
    }
}

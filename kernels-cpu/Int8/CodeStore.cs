using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// The last step both int8 epilogues share: a vector of real values becomes 8-bit codes (round half to even,
/// add the zero point, clamp to [lo, hi]) stored at q[j]; the same steps as the scalar references, lane for lane.
/// </summary>
internal static class CodeStore
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> v, Vector512<float> ys, Vector512<float> yz, Vector512<float> lo,
        Vector512<float> hi, ref byte q0, int j)
    {
        var rounded = Vector512.Round(v / ys) + yz;
        var codes = Vector512.ConvertToInt32Native(Vector512.MinNative(Vector512.MaxNative(rounded, lo), hi));
        var bytes = Vector256.Narrow(Vector256.Narrow(codes.GetLower(), codes.GetUpper()), Vector256<short>.Zero);
        bytes.GetLower().AsByte().StoreUnsafe(ref q0, (nuint)j);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> v, Vector256<float> ys, Vector256<float> yz, Vector256<float> lo,
        Vector256<float> hi, ref byte q0, int j)
    {
        var rounded = Vector256.Round(v / ys) + yz;
        var codes = Vector256.ConvertToInt32Native(Vector256.MinNative(Vector256.MaxNative(rounded, lo), hi));
        var words = Vector128.Narrow(codes.GetLower(), codes.GetUpper());
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref q0, j), Vector128.Narrow(words, words).AsUInt64().ToScalar());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> v, Vector128<float> ys, Vector128<float> yz, Vector128<float> lo,
        Vector128<float> hi, ref byte q0, int j)
    {
        var rounded = Vector128.Round(v / ys) + yz;
        var codes = Vector128.ConvertToInt32Native(Vector128.MinNative(Vector128.MaxNative(rounded, lo), hi));
        var words = Vector128.Narrow(codes, codes);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref q0, j), Vector128.Narrow(words, words).AsUInt32().ToScalar());
    }
}

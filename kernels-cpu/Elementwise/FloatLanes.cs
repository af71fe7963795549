using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// One SIMD width of fp32 lanes, so a kernel is written once and specialised by the JIT for 512, 256 and 128 bits
/// (static abstract members on struct type arguments inline to the bare instructions). Loads and stores take a
/// span and an offset and do not check bounds: the kernel checks its shapes once on entry.
/// </summary>
internal interface IFloatLanes<TVector> where TVector : struct
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(ReadOnlySpan<float> source, int offset);

    static abstract void Store(TVector value, Span<float> destination, int offset);

    /// <summary>Loads the lanes at <paramref name="source"/> (pinned memory).</summary>
    static abstract unsafe TVector LoadAt(float* source);

    /// <summary>Stores the lanes at <paramref name="destination"/> (pinned memory).</summary>
    static abstract unsafe void StoreAt(TVector value, float* destination);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Subtract(TVector a, TVector b);

    static abstract TVector Multiply(TVector a, TVector b);

    static abstract TVector Divide(TVector a, TVector b);

    /// <summary>a * b + addend with one rounding.</summary>
    static abstract TVector MultiplyAdd(TVector a, TVector b, TVector addend);

    static abstract TVector Max(TVector a, TVector b);

    /// <summary>The sum of the lanes.</summary>
    static abstract float Sum(TVector value);

    /// <summary>The largest lane.</summary>
    static abstract float MaxAcross(TVector value);

    /// <summary>e^x per lane by <see cref="ExpPolynomial"/> (equal to its scalar form bit for bit).</summary>
    static abstract TVector Exp(TVector x);
}

/// <summary>512-bit lanes (AVX-512).</summary>
internal readonly struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ReadOnlySpan<float> source, int offset) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<float> value, Span<float> destination, int offset) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector512<float> LoadAt(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreAt(Vector512<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector512<float> value) =>
        Lanes256.MaxAcross(Vector256.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        x = Vector512.Min(Vector512.Max(x, Vector512.Create(ExpPolynomial.Lowest)),
            Vector512.Create(ExpPolynomial.Highest));
        var n = Vector512.Round(x * ExpPolynomial.Log2E);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-ExpPolynomial.Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-ExpPolynomial.Ln2Low), r);
        var p = Vector512.FusedMultiplyAdd(Vector512.Create(ExpPolynomial.P0), r, Vector512.Create(ExpPolynomial.P1));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpPolynomial.P2));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpPolynomial.P3));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpPolynomial.P4));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(ExpPolynomial.P5));
        var e = Vector512.FusedMultiplyAdd(p, r * r, r + Vector512.Create(1f));
        var power = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23);
        return e * power.AsSingle();
    }
}

/// <summary>256-bit lanes (AVX2 + FMA).</summary>
internal readonly struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ReadOnlySpan<float> source, int offset) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, Span<float> destination, int offset) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector256<float> LoadAt(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreAt(Vector256<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector256<float> value) =>
        Lanes128.MaxAcross(Vector128.Max(value.GetLower(), value.GetUpper()));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpPolynomial.Lowest)),
            Vector256.Create(ExpPolynomial.Highest));
        var n = Vector256.Round(x * ExpPolynomial.Log2E);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-ExpPolynomial.Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-ExpPolynomial.Ln2Low), r);
        var p = Vector256.FusedMultiplyAdd(Vector256.Create(ExpPolynomial.P0), r, Vector256.Create(ExpPolynomial.P1));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(ExpPolynomial.P2));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(ExpPolynomial.P3));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(ExpPolynomial.P4));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(ExpPolynomial.P5));
        var e = Vector256.FusedMultiplyAdd(p, r * r, r + Vector256.Create(1f));
        var power = Vector256.ShiftLeft(Vector256.ConvertToInt32(n) + Vector256.Create(127), 23);
        return e * power.AsSingle();
    }
}

/// <summary>128-bit lanes (SSE on x64, NEON on ARM64).</summary>
internal readonly struct Lanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ReadOnlySpan<float> source, int offset) =>
        Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(source), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, Span<float> destination, int offset) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(destination), (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe Vector128<float> LoadAt(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void StoreAt(Vector128<float> value, float* destination) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> a, Vector128<float> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(a, b, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(Vector128<float> value) =>
        MathF.Max(MathF.Max(value.GetElement(0), value.GetElement(1)),
            MathF.Max(value.GetElement(2), value.GetElement(3)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        x = Vector128.Min(Vector128.Max(x, Vector128.Create(ExpPolynomial.Lowest)),
            Vector128.Create(ExpPolynomial.Highest));
        var n = Vector128.Round(x * ExpPolynomial.Log2E);
        var r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-ExpPolynomial.Ln2High), x);
        r = Vector128.FusedMultiplyAdd(n, Vector128.Create(-ExpPolynomial.Ln2Low), r);
        var p = Vector128.FusedMultiplyAdd(Vector128.Create(ExpPolynomial.P0), r, Vector128.Create(ExpPolynomial.P1));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(ExpPolynomial.P2));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(ExpPolynomial.P3));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(ExpPolynomial.P4));
        p = Vector128.FusedMultiplyAdd(p, r, Vector128.Create(ExpPolynomial.P5));
        var e = Vector128.FusedMultiplyAdd(p, r * r, r + Vector128.Create(1f));
        var power = Vector128.ShiftLeft(Vector128.ConvertToInt32(n) + Vector128.Create(127), 23);
        return e * power.AsSingle();
    }
}

/// <summary>Which <see cref="IFloatLanes{TVector}"/> width the active path takes, or none (scalar).</summary>
internal enum FloatLaneWidth
{
    Scalar,
    Bits128,
    Bits256,
    Bits512,
}

/// <summary>Picks the lane width for the calling thread's <see cref="KernelDispatch.Active"/> path.</summary>
internal static class FloatLaneDispatch
{
    /// <summary>512 bits at NativeExtended and above where accelerated, 256 at Native, 128 at Vector128.</summary>
    public static FloatLaneWidth Active => KernelTable.Active.FloatLanes;
}

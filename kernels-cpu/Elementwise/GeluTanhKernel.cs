using System.Runtime.Intrinsics;

namespace Qail.Kernels.Cpu;

/// <summary>
/// GELU by the tanh approximation, 0.5 x (1 + tanh(u)) with u = sqrt(2/pi) (x + 0.044715 x^3), in one pass as
/// x / (1 + e^(-2u)) (the same function: 0.5 (1 + tanh u) is the logistic of 2u, without tanh's cancellation near 0),
/// u in the engine's float steps (x + ((c x) x) x, times sqrt(2/pi)) and e^ by <see cref="ExpPolynomial"/>. Every
/// SIMD path equals <see cref="GeluTanhReference"/> bit for bit.
/// </summary>
public static class GeluTanhKernel
{
    /// <summary>sqrt(2 / pi) as float.</summary>
    public const float Coefficient = 0.7978845608028654f;

    /// <summary>The cubic term's factor.</summary>
    public const float Cubic = 0.044715f;

    /// <summary>y = gelu(x); the spans must have equal lengths (y may be x itself).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (y.Length != x.Length)
            throw new ArgumentException($"GeluTanhKernel: x has {x.Length} values, y {y.Length}.", nameof(y));
        switch (FloatLaneDispatch.Active)
        {
            case FloatLaneWidth.Bits512: Run<Lanes512, Vector512<float>>(x, y); break;
            case FloatLaneWidth.Bits256: Run<Lanes256, Vector256<float>>(x, y); break;
            case FloatLaneWidth.Bits128: Run<Lanes128, Vector128<float>>(x, y); break;
            default: GeluTanhReference.Forward(x, y); break;
        }
    }

    private static void Run<TLanes, TVector>(ReadOnlySpan<float> x, Span<float> y)
        where TLanes : IFloatLanes<TVector>
        where TVector : struct
    {
        int w = TLanes.Count, whole = x.Length - x.Length % w;
        TVector cubic = TLanes.Broadcast(Cubic), coefficient = TLanes.Broadcast(Coefficient);
        TVector minusTwo = TLanes.Broadcast(-2f), one = TLanes.Broadcast(1f);
        for (int j = 0; j < whole; j += w)
        {
            var v = TLanes.Load(x, j);
            var cube = TLanes.Multiply(TLanes.Multiply(TLanes.Multiply(v, cubic), v), v);
            var u = TLanes.Multiply(TLanes.Add(cube, v), coefficient);
            TLanes.Store(TLanes.Divide(v, TLanes.Add(one, TLanes.Exp(TLanes.Multiply(u, minusTwo)))), y, j);
        }
        GeluTanhReference.Forward(x[whole..], y[whole..]);
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>-x elementwise (float32, float64, int32; int32 wraps at int.MinValue).</summary>
    public Tensor Neg() => MapNumeric(nameof(Neg), new NegOp<float>(), new NegOp<double>(), new NegOp<int>());

    /// <summary>e^x elementwise.</summary>
    public Tensor Exp() => MapFloat(nameof(Exp), new ExpOp<float>(), new ExpOp<double>());

    /// <summary>Natural logarithm elementwise (NaN below 0, -inf at 0).</summary>
    public Tensor Log() => MapFloat(nameof(Log), new LogOp<float>(), new LogOp<double>());

    /// <summary>Square root elementwise (NaN below 0).</summary>
    public Tensor Sqrt() => MapFloat(nameof(Sqrt), new SqrtOp<float>(), new SqrtOp<double>());

    /// <summary>|x| elementwise (float32, float64, int32).</summary>
    public Tensor Abs() => MapNumeric(nameof(Abs), new AbsOp<float>(), new AbsOp<double>(), new AbsOp<int>());

    /// <summary>max(x, 0) elementwise.</summary>
    public Tensor Relu() => MapFloat(nameof(Relu), new ReluOp<float>(), new ReluOp<double>());

    /// <summary>GELU, tanh approximation: 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3))).</summary>
    public Tensor Gelu() => MapFloat(nameof(Gelu), new GeluOp<float>(), new GeluOp<double>());

    /// <summary>1 / (1 + e^-x) elementwise.</summary>
    public Tensor Sigmoid() => MapFloat(nameof(Sigmoid), new SigmoidOp<float>(), new SigmoidOp<double>());

    /// <summary>Hyperbolic tangent elementwise.</summary>
    public Tensor Tanh() => MapFloat(nameof(Tanh), new TanhOp<float>(), new TanhOp<double>());

    /// <summary>Limits each element to [min, max] (NaN stays NaN); min must not exceed max.</summary>
    public Tensor Clamp(double min, double max)
    {
        if (!(min <= max)) throw new ArgumentException($"Clamp: min {min} must not exceed max {max}.");
        return MapFloat(nameof(Clamp), new ClampOp<float>((float)min, (float)max), new ClampOp<double>(min, max));
    }

    /// <summary>Rounds to the nearest integer, ties to even (banker's rounding).</summary>
    public Tensor Round() => MapFloat(nameof(Round), new RoundOp<float>(), new RoundOp<double>());

    /// <summary>-1, 0 or 1 by sign (zero and NaN keep their value; float32, float64, int32).</summary>
    public Tensor Sign() => MapNumeric(nameof(Sign), new SignOp<float>(), new SignOp<double>(), new SignOp<int>());

    /// <summary>x*x elementwise.</summary>
    public Tensor Square() => MapFloat(nameof(Square), new SquareOp<float>(), new SquareOp<double>());

    /// <summary>1/x elementwise.</summary>
    public Tensor Reciprocal() => MapFloat(nameof(Reciprocal), new ReciprocalOp<float>(), new ReciprocalOp<double>());

    /// <summary>Elementwise negation.</summary>
    public static Tensor operator -(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.Neg();
    }

    private readonly struct NegOp<T> : ISpanUnary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Negate(x, y);
    }

    private readonly struct ExpOp<T> : ISpanUnary<T> where T : IExponentialFunctions<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Exp(x, y);
    }

    private readonly struct LogOp<T> : ISpanUnary<T> where T : ILogarithmicFunctions<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Log(x, y);
    }

    private readonly struct SqrtOp<T> : ISpanUnary<T> where T : IRootFunctions<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sqrt(x, y);
    }

    private readonly struct AbsOp<T> : ISpanUnary<T> where T : INumber<T>
    {
        // T.Abs throws on int.MinValue; wrapping negation matches two's-complement hardware.
        public void Apply(ReadOnlySpan<T> x, Span<T> y)
        {
            for (int i = 0; i < x.Length; i++) y[i] = T.IsNegative(x[i]) ? -x[i] : x[i];
        }
    }

    private readonly struct ReluOp<T> : ISpanUnary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Max(x, T.Zero, y);
    }

    private readonly struct GeluOp<T> : ISpanUnary<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => GeluKernel.Forward(x, y);
    }

    private readonly struct SigmoidOp<T> : ISpanUnary<T> where T : IExponentialFunctions<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Sigmoid(x, y);
    }

    // TensorPrimitives computes a span's last (length mod vector width) values with narrower vectors or scalar code,
    // whose tanh can differ in the last bit from the full-width one: a value's tanh would depend on where it sits in
    // the tensor (a policy acting on a batch of observations would not act as on each alone). Every value goes through
    // whole blocks of 16 (full vectors on every width up to 512 bits): the tail is computed in a padded block.
    private readonly struct TanhOp<T> : ISpanUnary<T> where T : IHyperbolicFunctions<T>
    {
        private const int Block = 16;

        public void Apply(ReadOnlySpan<T> x, Span<T> y)
        {
            int whole = x.Length - x.Length % Block;
            TensorPrimitives.Tanh(x[..whole], y[..whole]);
            if (whole == x.Length) return;
            var padded = new T[Block];
            x[whole..].CopyTo(padded);
            TensorPrimitives.Tanh(padded, padded);
            padded.AsSpan(0, x.Length - whole).CopyTo(y[whole..]);
        }
    }

    private readonly struct ClampOp<T>(T min, T max) : ISpanUnary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y)
        {
            TensorPrimitives.Max(x, min, y);
            TensorPrimitives.Min(y, max, y);
        }
    }

    private readonly struct RoundOp<T> : ISpanUnary<T> where T : IFloatingPoint<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Round(x, MidpointRounding.ToEven, y);
    }

    private readonly struct SignOp<T> : ISpanUnary<T> where T : struct, INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => SignKernel.Sign(x, y);
    }

    private readonly struct SquareOp<T> : ISpanUnary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Multiply(x, x, y);
    }

    private readonly struct ReciprocalOp<T> : ISpanUnary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> x, Span<T> y) => TensorPrimitives.Divide(T.One, x, y);
    }
}

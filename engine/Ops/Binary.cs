using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>a + b with NumPy broadcasting (float32, float64, int32).</summary>
    public static Tensor Add(Tensor a, Tensor b) =>
        ZipNumeric(nameof(Add), a, b, new AddOp<float>(), new AddOp<double>(), new AddOp<int>());

    /// <summary>a - b with NumPy broadcasting (float32, float64, int32).</summary>
    public static Tensor Sub(Tensor a, Tensor b) =>
        ZipNumeric(nameof(Sub), a, b, new SubOp<float>(), new SubOp<double>(), new SubOp<int>());

    /// <summary>a * b with NumPy broadcasting (float32, float64, int32).</summary>
    public static Tensor Mul(Tensor a, Tensor b) =>
        ZipNumeric(nameof(Mul), a, b, new MulOp<float>(), new MulOp<double>(), new MulOp<int>());

    /// <summary>a / b with NumPy broadcasting (floating point only).</summary>
    public static Tensor Div(Tensor a, Tensor b) =>
        ZipFloat(nameof(Div), a, b, new DivOp<float>(), new DivOp<double>());

    /// <summary>a ^ b with NumPy broadcasting (floating point only).</summary>
    public static Tensor Pow(Tensor a, Tensor b) =>
        ZipFloat(nameof(Pow), a, b, new PowOp<float>(), new PowOp<double>());

    /// <summary>Elementwise maximum with broadcasting; NaN propagates.</summary>
    public static Tensor Maximum(Tensor a, Tensor b) =>
        ZipNumeric(nameof(Maximum), a, b, new MaxOp<float>(), new MaxOp<double>(), new MaxOp<int>());

    /// <summary>Elementwise minimum with broadcasting; NaN propagates.</summary>
    public static Tensor Minimum(Tensor a, Tensor b) =>
        ZipNumeric(nameof(Minimum), a, b, new MinOp<float>(), new MinOp<double>(), new MinOp<int>());

    /// <summary>a + b for a scalar b.</summary>
    public static Tensor Add(Tensor a, double b) => Add(a, ScalarOf(b, a, nameof(Add)));

    /// <summary>a + b for a scalar a.</summary>
    public static Tensor Add(double a, Tensor b) => Add(ScalarOf(a, b, nameof(Add)), b);

    /// <summary>a - b for a scalar b.</summary>
    public static Tensor Sub(Tensor a, double b) => Sub(a, ScalarOf(b, a, nameof(Sub)));

    /// <summary>a - b for a scalar a.</summary>
    public static Tensor Sub(double a, Tensor b) => Sub(ScalarOf(a, b, nameof(Sub)), b);

    /// <summary>a * b for a scalar b.</summary>
    public static Tensor Mul(Tensor a, double b) => Mul(a, ScalarOf(b, a, nameof(Mul)));

    /// <summary>a * b for a scalar a.</summary>
    public static Tensor Mul(double a, Tensor b) => Mul(ScalarOf(a, b, nameof(Mul)), b);

    /// <summary>a / b for a scalar b.</summary>
    public static Tensor Div(Tensor a, double b) => Div(a, ScalarOf(b, a, nameof(Div)));

    /// <summary>a / b for a scalar a.</summary>
    public static Tensor Div(double a, Tensor b) => Div(ScalarOf(a, b, nameof(Div)), b);

    /// <summary>a ^ b for a scalar exponent.</summary>
    public static Tensor Pow(Tensor a, double b) => Pow(a, ScalarOf(b, a, nameof(Pow)));

    /// <summary>a ^ b for a scalar base.</summary>
    public static Tensor Pow(double a, Tensor b) => Pow(ScalarOf(a, b, nameof(Pow)), b);

    /// <summary>max(a, b) for a scalar b.</summary>
    public static Tensor Maximum(Tensor a, double b) => Maximum(a, ScalarOf(b, a, nameof(Maximum)));

    /// <summary>min(a, b) for a scalar b.</summary>
    public static Tensor Minimum(Tensor a, double b) => Minimum(a, ScalarOf(b, a, nameof(Minimum)));

    /// <summary>Broadcasting addition.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>Broadcasting subtraction.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Sub(a, b);

    /// <summary>Broadcasting multiplication.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Mul(a, b);

    /// <summary>Broadcasting division.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Div(a, b);

    /// <summary>Adds a scalar.</summary>
    public static Tensor operator +(Tensor a, double b) => Add(a, b);

    /// <summary>Adds to a scalar.</summary>
    public static Tensor operator +(double a, Tensor b) => Add(a, b);

    /// <summary>Subtracts a scalar.</summary>
    public static Tensor operator -(Tensor a, double b) => Sub(a, b);

    /// <summary>Subtracts from a scalar.</summary>
    public static Tensor operator -(double a, Tensor b) => Sub(a, b);

    /// <summary>Multiplies by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => Mul(a, b);

    /// <summary>Multiplies a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => Mul(a, b);

    /// <summary>Divides by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => Div(a, b);

    /// <summary>Divides a scalar.</summary>
    public static Tensor operator /(double a, Tensor b) => Div(a, b);

    private readonly struct AddOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Add(a, b, d);
    }

    private readonly struct SubOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Subtract(a, b, d);
    }

    private readonly struct MulOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Multiply(a, b, d);
    }

    private readonly struct DivOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Divide(a, b, d);
    }

    private readonly struct PowOp<T> : ISpanBinary<T> where T : IPowerFunctions<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Pow(a, b, d);
    }

    private readonly struct MaxOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Max(a, b, d);
    }

    private readonly struct MinOp<T> : ISpanBinary<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d) => TensorPrimitives.Min(a, b, d);
    }
}

using System.Numerics.Tensors;

namespace Qail.Kernels.Cpu;

/// <summary>
/// Elementwise fp32 kernels the engine needs, as thin checked wrappers over TensorPrimitives (which picks
/// its own SIMD width; these are not capped by <see cref="KernelDispatch"/>). Inputs and destination must
/// have equal lengths; a destination may be the same span as an input (in place).
/// </summary>
public static class Elementwise
{
    /// <summary>destination[i] = x[i] + y[i].</summary>
    public static void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(nameof(Add), x, y, destination);
        TensorPrimitives.Add(x, y, destination);
    }

    /// <summary>destination[i] = x[i] - y[i].</summary>
    public static void Subtract(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(nameof(Subtract), x, y, destination);
        TensorPrimitives.Subtract(x, y, destination);
    }

    /// <summary>destination[i] = x[i] * y[i].</summary>
    public static void Multiply(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(nameof(Multiply), x, y, destination);
        TensorPrimitives.Multiply(x, y, destination);
    }

    /// <summary>destination[i] = x[i] / y[i] (IEEE: division by zero gives an infinity or NaN).</summary>
    public static void Divide(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        CheckBinary(nameof(Divide), x, y, destination);
        TensorPrimitives.Divide(x, y, destination);
    }

    /// <summary>destination[i] = x[i] * scale.</summary>
    public static void Scale(ReadOnlySpan<float> x, float scale, Span<float> destination)
    {
        CheckUnary(nameof(Scale), x, destination);
        TensorPrimitives.Multiply(x, scale, destination);
    }

    /// <summary>y[i] += alpha * x[i] (BLAS axpy), one rounding per element (fused multiply-add).</summary>
    public static void AddScaled(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Elementwise.AddScaled: x has {x.Length} elements but y has {y.Length}.",
                nameof(y));
        TensorPrimitives.FusedMultiplyAdd(x, alpha, y, y);
    }

    /// <summary>destination[i] = e^x[i].</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckUnary(nameof(Exp), x, destination);
        TensorPrimitives.Exp(x, destination);
    }

    /// <summary>destination[i] = ln x[i].</summary>
    public static void Log(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckUnary(nameof(Log), x, destination);
        TensorPrimitives.Log(x, destination);
    }

    /// <summary>destination[i] = tanh x[i].</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckUnary(nameof(Tanh), x, destination);
        TensorPrimitives.Tanh(x, destination);
    }

    /// <summary>destination[i] = 1 / (1 + e^-x[i]).</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckUnary(nameof(Sigmoid), x, destination);
        TensorPrimitives.Sigmoid(x, destination);
    }

    /// <summary>destination[i] = max(x[i], 0); NaN stays NaN.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckUnary(nameof(Relu), x, destination);
        TensorPrimitives.Max(x, 0f, destination);
    }

    private static void CheckUnary(string op, ReadOnlySpan<float> x, Span<float> destination)
    {
        if (x.Length != destination.Length)
            throw new ArgumentException(
                $"Elementwise.{op}: x has {x.Length} elements but destination has {destination.Length}.",
                nameof(destination));
    }

    private static void CheckBinary(string op, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> destination)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Elementwise.{op}: x has {x.Length} elements but y has {y.Length}.",
                nameof(y));
        CheckUnary(op, x, destination);
    }
}

using System.Numerics.Tensors;

namespace Qail.Kernels.Cpu;

/// <summary>
/// fp32 reductions the engine needs, thin checked wrappers over TensorPrimitives (vectorised; the
/// summation order is fixed for a given length and machine, so results are reproducible).
/// </summary>
public static class Reduction
{
    /// <summary>Sum of x; 0 for an empty span.</summary>
    public static float Sum(ReadOnlySpan<float> x) => TensorPrimitives.Sum(x);

    /// <summary>Dot product of x and y, which must have equal lengths.</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
            throw new ArgumentException($"Reduction.Dot: x has {x.Length} elements but y has {y.Length}.", nameof(y));
        return TensorPrimitives.Dot(x, y);
    }

    /// <summary>Largest element (NaN if any element is NaN); x must not be empty.</summary>
    public static float Max(ReadOnlySpan<float> x)
    {
        CheckNotEmpty(nameof(Max), x);
        return TensorPrimitives.Max(x);
    }

    /// <summary>Smallest element (NaN if any element is NaN); x must not be empty.</summary>
    public static float Min(ReadOnlySpan<float> x)
    {
        CheckNotEmpty(nameof(Min), x);
        return TensorPrimitives.Min(x);
    }

    /// <summary>Index of the first largest element (argmax); x must not be empty.</summary>
    public static int IndexOfMax(ReadOnlySpan<float> x)
    {
        CheckNotEmpty(nameof(IndexOfMax), x);
        return TensorPrimitives.IndexOfMax(x);
    }

    /// <summary>destination = softmax(x) = e^(x - max) / sum e^(x - max); lengths must match and be non-zero.</summary>
    public static void SoftMax(ReadOnlySpan<float> x, Span<float> destination)
    {
        CheckNotEmpty(nameof(SoftMax), x);
        if (x.Length != destination.Length)
            throw new ArgumentException(
                $"Reduction.SoftMax: x has {x.Length} elements but destination has {destination.Length}.",
                nameof(destination));
        TensorPrimitives.SoftMax(x, destination);
    }

    private static void CheckNotEmpty(string op, ReadOnlySpan<float> x)
    {
        if (x.IsEmpty) throw new ArgumentException($"Reduction.{op}: x is empty.", nameof(x));
    }
}

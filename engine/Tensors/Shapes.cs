using System.Collections.Immutable;

namespace Qail.Engine;

/// <summary>Shape arithmetic shared by the engine's ops: element counts, strides, broadcasting, axes.</summary>
public static class Shapes
{
    /// <summary>Formats a shape as "[2, 3]" for messages.</summary>
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    /// <summary>Product of the dimensions (1 for a scalar); throws past <see cref="Array.MaxLength"/>.</summary>
    public static long ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape {Format(shape)} has a negative dimension.", nameof(shape));
            n *= d;
            if (n > Array.MaxLength)
                throw new ArgumentException($"Shape {Format(shape)} has more than {Array.MaxLength} elements.",
                    nameof(shape));
        }
        return n;
    }

    /// <summary>Row-major (C-order) strides, in elements, for a shape.</summary>
    public static int[] ContiguousStrides(ReadOnlySpan<int> shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= Math.Max(shape[i], 1);
        }
        return strides;
    }

    /// <summary>
    /// NumPy broadcast of two shapes; throws naming <paramref name="op"/> and both shapes when incompatible.
    /// </summary>
    public static int[] Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b, string op)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da != db && da != 1 && db != 1)
                throw new ArgumentException(
                    $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast (dimension {i}: {da} vs {db}).");
            result[i] = da == 1 ? db : da;
        }
        return result;
    }

    /// <summary>Resolves a possibly negative axis against a rank; throws naming the op when out of range.</summary>
    public static int NormalizeAxis(int axis, int rank, string op)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis,
                $"{op}: axis {axis} is out of range for rank {rank}.");
        return a;
    }

    /// <summary>True when two shapes are equal.</summary>
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    internal static ImmutableArray<int> Freeze(int[] values) =>
        System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(values);
}

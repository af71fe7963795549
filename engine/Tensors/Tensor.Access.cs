namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Converts to another dtype (a copy; this tensor when the dtype already matches). Float to integer truncates and
    /// saturates.
    /// </summary>
    public Tensor Cast(DType dtype)
    {
        if (dtype == DType) return this;
        var result = Zeros(_shape, dtype);
        StridedCopy.Copy(this, result);
        return result;
    }

    /// <summary>
    /// Copies this tensor's values into <paramref name="destination"/> (same shape, any layout), converting dtype.
    /// </summary>
    public void CopyTo(Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        StridedCopy.Copy(this, destination);
    }

    /// <summary>
    /// The elements in row-major order as a new array of <typeparamref name="T"/>; the dtype must match.
    /// </summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (DTypeInfo.Of<T>() != DType)
            throw new InvalidOperationException($"ToArray<{typeof(T).Name}> on a {DType.Name()} tensor; Cast first.");
        return Contiguous().AsSpan<T>().ToArray();
    }

    /// <summary>The elements in row-major order converted to double (handy in tests and reports).</summary>
    public double[] ToDoubleArray() => Cast(DType.Float64).ToArray<double>();

    /// <summary>The value of a one-element tensor as double.</summary>
    public double Item()
    {
        if (ElementCount != 1)
            throw new InvalidOperationException($"Item needs exactly one element; shape is {Shapes.Format(_shape)}.");
        return ToDoubleArray()[0];
    }

    /// <summary>The element at a full index (negative entries count from the end), as double.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public double this[params int[] index]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(index);
            if (index.Length != Rank)
                throw new ArgumentException(
                    $"Index {Shapes.Format(index)} has {index.Length} entries for shape {Shapes.Format(_shape)}.",
                    nameof(index));
            var view = this;
            for (int d = index.Length - 1; d >= 0; d--) view = view.Select(d, index[d]);
            return view.Item();
        }
    }
}

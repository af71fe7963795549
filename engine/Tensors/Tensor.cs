using System.Collections.Immutable;

namespace Qail.Engine;

/// <summary>
/// An n-dimensional view (shape, strides and offset, in elements) over a <see cref="Storage"/>.
/// Views share storage; ops return new tensors and never mutate their inputs unless named *InPlace.
/// </summary>
public sealed partial class Tensor
{
    private readonly int[] _shape;
    private readonly int[] _strides;

    /// <summary>Creates a view; validates that every reachable element lies inside the storage.</summary>
    public Tensor(Storage storage, ReadOnlySpan<int> shape, ReadOnlySpan<int> strides, long offset = 0)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (shape.Length != strides.Length)
            throw new ArgumentException(
                $"Shape {Shapes.Format(shape)} and strides {Shapes.Format(strides)} differ in rank.", nameof(strides));
        long count = Shapes.ElementCount(shape);
        if (offset < 0) throw new ArgumentOutOfRangeException(nameof(offset), offset, "Offset must be non-negative.");
        if (count > 0)
        {
            long lo = offset, hi = offset;
            for (int i = 0; i < shape.Length; i++)
            {
                long reach = (long)(shape[i] - 1) * strides[i];
                if (reach < 0) lo += reach; else hi += reach;
            }
            if (lo < 0 || hi >= storage.Length)
                throw new ArgumentException(
                    $"View shape {Shapes.Format(shape)} strides {Shapes.Format(strides)} offset {offset} reaches "
                    + $"elements {lo}..{hi} outside storage of {storage.Length}.");
        }
        if (storage.DType == DType.Int4Packed
            && (offset != 0 || !strides.SequenceEqual(Shapes.ContiguousStrides(shape))))
            throw new ArgumentException("Packed int4 tensors must be contiguous with offset 0.", nameof(strides));

        Storage = storage;
        _shape = shape.ToArray();
        _strides = strides.ToArray();
        Offset = offset;
        ElementCount = count;
        IsContiguous = ComputeIsContiguous(_shape, _strides);
    }

    /// <summary>Creates a contiguous tensor over the whole storage with the given shape.</summary>
    public Tensor(Storage storage, ReadOnlySpan<int> shape)
        : this(storage, shape, Shapes.ContiguousStrides(shape))
    {
        if (ElementCount != storage.Length)
            throw new ArgumentException(
                $"Shape {Shapes.Format(shape)} holds {ElementCount} elements but storage has {storage.Length}.",
                nameof(shape));
    }

    /// <summary>The underlying buffer, possibly shared with other views.</summary>
    public Storage Storage { get; }

    /// <summary>Element type.</summary>
    public DType DType => Storage.DType;

    /// <summary>Device holding the storage.</summary>
    public Device Device => Storage.Device;

    /// <summary>Dimensions, outermost first.</summary>
    public ImmutableArray<int> Shape => Shapes.Freeze(_shape);

    /// <summary>Element step per dimension (0 for broadcast dimensions).</summary>
    public ImmutableArray<int> Strides => Shapes.Freeze(_strides);

    /// <summary>Index of the first element in the storage.</summary>
    public long Offset { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>True when elements are laid out row-major without gaps (offset may be non-zero).</summary>
    public bool IsContiguous { get; }

    /// <summary>Size of one dimension; negative values count from the end.</summary>
    public int Size(int dim) => _shape[Shapes.NormalizeAxis(dim, Rank, nameof(Size))];

    /// <summary>The shape as a span (no copy).</summary>
    public ReadOnlySpan<int> ShapeSpan => _shape;

    /// <summary>The strides as a span (no copy).</summary>
    public ReadOnlySpan<int> StridesSpan => _strides;

    /// <summary>A copy of the shape, for callers that need an array.</summary>
    public int[] ShapeToArray() => (int[])_shape.Clone();

    /// <summary>The CPU storage, or an exception naming the op when the tensor lives elsewhere.</summary>
    public CpuStorage HostStorage(string op = "this op") => Storage as CpuStorage
        ?? throw new InvalidOperationException(
            $"{op} needs a CPU tensor; this one is on {Device}. Copy it with To(Device.Cpu).");

    /// <summary>The elements of a contiguous CPU tensor as a span; throws for strided views.</summary>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (!IsContiguous)
            throw new InvalidOperationException($"AsSpan needs a contiguous tensor (shape {Shapes.Format(_shape)}, "
                + $"strides {Shapes.Format(_strides)}); call Contiguous() first.");
        if (DType == DType.Int4Packed)
            throw new InvalidOperationException(
                "AsSpan is not defined for packed int4; use HostStorage().AsSpan<byte>().");
        // An empty view may carry any offset, even one past the end of its storage.
        if (ElementCount == 0) return HostStorage(nameof(AsSpan)).AsSpan<T>()[..0];
        return HostStorage(nameof(AsSpan)).AsSpan<T>().Slice((int)Offset, (int)ElementCount);
    }

    public override string ToString() => $"Tensor({DType.Name()}, {Shapes.Format(_shape)}, {Device})";

    private static bool ComputeIsContiguous(int[] shape, int[] strides)
    {
        int expected = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            if (shape[i] == 1) continue;
            if (shape[i] == 0) return true;
            if (strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }
}

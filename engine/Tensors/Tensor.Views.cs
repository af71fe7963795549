namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// Same elements in a new shape (one dimension may be -1). A view when the layout allows it,
    /// otherwise a contiguous copy; use <see cref="View"/> to insist on no copy.
    /// </summary>
    public Tensor Reshape(params int[] shape)
    {
        var resolved = ResolveReshape(shape, nameof(Reshape));
        return TryView(resolved) ?? Contiguous().TryView(resolved)!;
    }

    /// <summary>Like <see cref="Reshape"/> but never copies; throws when the strides do not allow a view.</summary>
    public Tensor View(params int[] shape)
    {
        var resolved = ResolveReshape(shape, nameof(View));
        return TryView(resolved) ?? throw new InvalidOperationException(
            $"View: shape {Shapes.Format(_shape)} with strides {Shapes.Format(_strides)} cannot be viewed as "
            + $"{Shapes.Format(resolved)} without a copy; use Reshape.");
    }

    /// <summary>Reorders dimensions: result dimension i is input dimension <paramref name="order"/>[i].</summary>
    public Tensor Permute(params int[] order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Length != Rank)
            throw new ArgumentException(
                $"Permute: order {Shapes.Format(order)} has {order.Length} entries for rank {Rank}.", nameof(order));
        var seen = new bool[Rank];
        var shape = new int[Rank];
        var strides = new int[Rank];
        for (int i = 0; i < Rank; i++)
        {
            int d = Shapes.NormalizeAxis(order[i], Rank, nameof(Permute));
            if (seen[d])
                throw new ArgumentException($"Permute: order {Shapes.Format(order)} repeats dimension {d}.",
                    nameof(order));
            seen[d] = true;
            shape[i] = _shape[d];
            strides[i] = _strides[d];
        }
        return new Tensor(Storage, shape, strides, Offset);
    }

    /// <summary>Swaps two dimensions (a view).</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        var order = Enumerable.Range(0, Rank).ToArray();
        int a = Shapes.NormalizeAxis(dim0, Rank, nameof(Transpose)),
            b = Shapes.NormalizeAxis(dim1, Rank, nameof(Transpose));
        (order[a], order[b]) = (order[b], order[a]);
        return Permute(order);
    }

    /// <summary>Transpose of a 2-D tensor (swaps the last two dimensions of higher ranks).</summary>
    public Tensor T => Rank >= 2 ? Transpose(-2, -1)
        : throw new InvalidOperationException($"T needs rank >= 2, got shape {Shapes.Format(_shape)}.");

    /// <summary>
    /// Elements start, start+step, ... below end along <paramref name="dim"/> (a view). Negative start/end count
    /// from the end; they are not clamped: out-of-range bounds throw.
    /// </summary>
    public Tensor Slice(int dim, int start, int end, int step = 1)
    {
        int d = Shapes.NormalizeAxis(dim, Rank, nameof(Slice));
        int size = _shape[d];
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, "Slice: step must be positive.");
        int s = start < 0 ? start + size : start;
        int e = end < 0 ? end + size : end;
        if (s < 0 || s > size || e < s || e > size)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice: range {start}..{end} is outside dimension "
                + $"{d} of size {size} (shape {Shapes.Format(_shape)}).");
        var shape = ShapeToArray();
        var strides = (int[])_strides.Clone();
        shape[d] = (e - s + step - 1) / step;
        strides[d] = _strides[d] * step;
        long offset = shape[d] == 0 ? Offset : Offset + (long)s * _strides[d];
        return new Tensor(Storage, shape, strides, offset);
    }

    /// <summary>
    /// Index <paramref name="index"/> along <paramref name="dim"/>, dropping that dimension (a view).
    /// </summary>
    public Tensor Select(int dim, int index)
    {
        int d = Shapes.NormalizeAxis(dim, Rank, nameof(Select));
        int i = index < 0 ? index + _shape[d] : index;
        if (i < 0 || i >= _shape[d])
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"Select: index out of range for dimension {d} of size {_shape[d]}.");
        return Slice(d, i, i + 1).Squeeze(d);
    }

    /// <summary>
    /// Broadcasts size-1 (or missing leading) dimensions to <paramref name="shape"/> with stride 0 (a view).
    /// </summary>
    public Tensor Expand(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length < Rank)
            throw new ArgumentException(
                $"Expand: target {Shapes.Format(shape)} has lower rank than {Shapes.Format(_shape)}.", nameof(shape));
        var strides = new int[shape.Length];
        int lead = shape.Length - Rank;
        for (int i = 0; i < shape.Length; i++)
        {
            int src = i - lead;
            int have = src >= 0 ? _shape[src] : 1;
            if (have == shape[i]) strides[i] = src >= 0 ? _strides[src] : 0;
            else if (have == 1 && shape[i] >= 0) strides[i] = 0;
            else
                throw new ArgumentException(
                    $"Expand: cannot expand {Shapes.Format(_shape)} to {Shapes.Format(shape)} (dimension {i}).",
                    nameof(shape));
        }
        return new Tensor(Storage, shape, strides, Offset);
    }

    /// <summary>Removes dimension <paramref name="dim"/>, which must have size 1.</summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.NormalizeAxis(dim, Rank, nameof(Squeeze));
        if (_shape[d] != 1)
            throw new ArgumentException(
                $"Squeeze: dimension {d} of {Shapes.Format(_shape)} has size {_shape[d]}, not 1.", nameof(dim));
        return new Tensor(Storage, _shape.Where((_, i) => i != d).ToArray(),
            _strides.Where((_, i) => i != d).ToArray(), Offset);
    }

    /// <summary>Removes every size-1 dimension.</summary>
    public Tensor Squeeze() =>
        new(Storage, _shape.Where(s => s != 1).ToArray(), _strides.Where((_, i) => _shape[i] != 1).ToArray(), Offset);

    /// <summary>Inserts a size-1 dimension at <paramref name="dim"/> (which may equal the rank).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeAxis(dim, Rank + 1, nameof(Unsqueeze));
        var shape = _shape.ToList();
        var strides = _strides.ToList();
        shape.Insert(d, 1);
        strides.Insert(d, d < Rank ? _strides[d] * _shape[d] : 1);
        return new Tensor(Storage, shape.ToArray(), strides.ToArray(), Offset);
    }

    /// <summary>This tensor when already contiguous, otherwise a contiguous copy.</summary>
    public Tensor Contiguous() => IsContiguous ? this : Clone();

    /// <summary>A contiguous copy with its own storage.</summary>
    public Tensor Clone()
    {
        if (DType == DType.Int4Packed)
            return new Tensor(CpuStorage.WrapInt4((byte[])HostStorage(nameof(Clone)).AsArray<byte>().Clone(),
                ElementCount), _shape);
        var result = Zeros(_shape, DType);
        StridedCopy.Copy(this, result);
        return result;
    }

    private int[] ResolveReshape(int[] shape, string op)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < resolved.Length; i++)
        {
            if (resolved[i] == -1)
            {
                if (infer >= 0)
                    throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} has more than one -1.",
                        nameof(shape));
                infer = i;
            }
            else if (resolved[i] < 0)
                throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} has a negative dimension.",
                    nameof(shape));
            else known *= resolved[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || ElementCount % known != 0)
                throw new ArgumentException($"{op}: cannot infer -1 in {Shapes.Format(shape)} for {ElementCount} "
                    + $"elements (from {Shapes.Format(_shape)}).", nameof(shape));
            resolved[infer] = (int)(ElementCount / known);
        }
        if (Shapes.ElementCount(resolved) != ElementCount)
            throw new ArgumentException($"{op}: shape {Shapes.Format(shape)} does not hold the {ElementCount} elements "
                + $"of {Shapes.Format(_shape)}.", nameof(shape));
        return resolved;
    }

    // Reshape without copy is possible when each run of merged input dims is itself contiguous.
    private Tensor? TryView(int[] newShape)
    {
        if (IsContiguous) return new Tensor(Storage, newShape, Shapes.ContiguousStrides(newShape), Offset);
        var oldShape = _shape.Where(s => s != 1).ToArray();
        var oldStrides = _strides.Where((_, i) => _shape[i] != 1).ToArray();
        var newStrides = new int[newShape.Length];
        int oi = 0, ni = 0;
        while (oi < oldShape.Length || ni < newShape.Length)
        {
            if (ni < newShape.Length && newShape[ni] == 1) { newStrides[ni] = 1; ni++; continue; }
            if (oi >= oldShape.Length || ni >= newShape.Length) return null;
            // Grow a group of old dims and a group of new dims until their sizes match.
            long oldSize = oldShape[oi], newSize = newShape[ni];
            int oStart = oi, nStart = ni;
            while (oldSize != newSize)
            {
                if (oldSize < newSize) { if (++oi >= oldShape.Length) return null; oldSize *= oldShape[oi]; }
                else { if (++ni >= newShape.Length) return null; if (newShape[ni] != 1) newSize *= newShape[ni]; }
            }
            for (int k = oStart; k < oi; k++)
                if (oldStrides[k] != oldStrides[k + 1] * oldShape[k + 1]) return null;
            int stride = oldStrides[oi];
            for (int k = ni; k >= nStart; k--)
            {
                newStrides[k] = stride;
                stride *= newShape[k];
            }
            oi++; ni++;
        }
        return new Tensor(Storage, newShape, newStrides, Offset);
    }
}

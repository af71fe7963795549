using FsCheck;
using FsCheck.Fluent;
using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// FsCheck generators for tensor shapes, shape pairs, values and tensors in varied memory layouts (the FsCheck face of
/// <see cref="Generators"/>, without its shrinking: use <see cref="GeneratorArbitrary.ToArbitrary{T}"/> for that).
/// </summary>
public static class TensorGen
{
    /// <summary>One dimension size in [0, maxDim], with 1 and small sizes common and 0 occasional.</summary>
    public static Gen<int> Dim(int maxDim = 5, bool allowZero = true) => Gen.Frequency(
        (allowZero ? 1 : 0, Gen.Constant(0)),
        (3, Gen.Constant(1)),
        (8, Gen.Choose(1, Math.Max(1, maxDim))));

    /// <summary>Shapes of rank minRank..maxRank whose element count stays within maxElements.</summary>
    public static Gen<int[]> Shape(int minRank = 0, int maxRank = 4, int maxDim = 5, long maxElements = 256,
        bool allowZero = true) =>
        from rank in Gen.Choose(minRank, maxRank)
        from dims in Gen.ArrayOf(Dim(maxDim, allowZero), rank)
        select Bound(dims, maxElements);

    /// <summary>
    /// Two shapes that broadcast together (NumPy rules): dropped leading dims and size-1 dims on either side.
    /// </summary>
    public static Gen<(int[] A, int[] B)> BroadcastShapes(int maxRank = 4, int maxDim = 5, long maxElements = 256,
        bool allowZero = true) =>
        from full in Shape(0, maxRank, maxDim, maxElements, allowZero)
        from a in BroadcastSource(full)
        from b in BroadcastSource(full)
        select (a, b);

    /// <summary>A shape that broadcasts to <paramref name="full"/>: a suffix of it with some dims set to 1.</summary>
    public static Gen<int[]> BroadcastSource(int[] full) =>
        from drop in Gen.Choose(0, full.Length)
        from ones in Gen.ArrayOf(Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))), full.Length - drop)
        select full.Skip(drop).Select((d, i) => ones[i] ? 1 : d).ToArray();

    /// <summary>
    /// Shapes valid for NumPy matmul: 1-D or n-D operands, inner dims equal, batch dims broadcasting; every matrix dim
    /// in 1..maxDim
    /// (0 when <paramref name="allowZero"/>).
    /// </summary>
    public static Gen<(int[] A, int[] B)> MatMulShapes(int maxBatchRank = 2, int maxDim = 6, bool allowZero = true) =>
        from m in Dim(maxDim, allowZero)
        from k in Dim(maxDim, allowZero)
        from n in Dim(maxDim, allowZero)
        from batch in Shape(0, maxBatchRank, 3, 12, allowZero: false)
        from ba in BroadcastSource(batch)
        from bb in BroadcastSource(batch)
        from aVector in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        from bVector in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (aVector ? new[] { k } : [.. ba, m, k], bVector ? new[] { k } : [.. bb, k, n]);

    /// <summary>
    /// <paramref name="count"/> values drawn from <paramref name="range"/> (integers for integer dtypes).
    /// </summary>
    public static Gen<double[]> Values(int count, DType dtype, ValueRange? range = null)
    {
        var r = range ?? ValueRange.Default;
        if (!dtype.IsFloatingPoint())
        {
            var (lo, hi) = IntegerLimits(dtype);
            int min = (int)Math.Max(lo, Math.Ceiling(r.Min)), max = (int)Math.Min(hi, Math.Floor(r.Max));
            return Gen.ArrayOf(Gen.Choose(min, max).Select(v => (double)v), count);
        }
        var uniform = Gen.Choose(0, 1 << 30).Select(u => r.Min + (r.Max - r.Min) * (u / (double)(1 << 30)));
        double tiny = dtype == DType.Float32 ? 1e-5 : 1e-12;
        var boundary =
            from k in Gen.Choose((int)Math.Ceiling(r.Min - 0.5), (int)Math.Floor(r.Max - 0.5))
            from delta in Gen.Elements(-tiny, 0.0, tiny)
            select Math.Clamp(k + 0.5 + delta, r.Min, r.Max);
        int wBoundary = (int)Math.Round(1000 * r.BoundaryFraction);
        var value = wBoundary == 0 || r.Max - r.Min < 1 ? uniform : Gen.Frequency((1000 - wBoundary, uniform),
            (wBoundary, boundary));
        int wExtreme = (int)Math.Round(1000 * r.ExtremeFraction), wSpecial = (int)Math.Round(1000 * r.SpecialFraction);
        if (wExtreme + wSpecial > 0)
            value = Gen.Frequency((1000 - wExtreme - wSpecial, value), (wExtreme,
                Gen.Elements(ValueRange.LimitValues(dtype).ToArray())),
                (wSpecial, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity)));
        return Gen.ArrayOf(value, count);
    }

    /// <summary>
    /// A tensor of exactly <paramref name="shape"/> and <paramref name="dtype"/> with values from <paramref
    /// name="range"/>, in one of the allowed layouts.
    /// </summary>
    public static Gen<Tensor> Tensor(int[] shape, DType dtype, ValueRange? range = null, Layouts layouts = Layouts.Any)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (dtype == DType.Int4Packed)
        {
            int n = (int)Shapes.ElementCount(shape);
            return Values(n, dtype, range).Select(codes => new Tensor(CpuStorage.WrapInt4(PackInt4(codes), n), shape));
        }
        var kinds = Enum.GetValues<Layouts>().Where(l => l != Layouts.Any && layouts.HasFlag(l)).ToArray();
        if (kinds.Length == 0) throw new ArgumentException($"Tensor: no layout selected in {layouts}.",
            nameof(layouts));
        return from kind in Gen.Elements(kinds)
               from t in kind switch
               {
                   Layouts.Permuted => Permuted(shape, dtype, range),
                   Layouts.Sliced => Sliced(shape, dtype, range),
                   Layouts.Expanded => Expanded(shape, dtype, range),
                   _ => Contiguous(shape, dtype, range),
               }
               select t;
    }

    /// <summary>A tensor of random shape (see <see cref="Shape"/>), dtype and layout.</summary>
    public static Gen<Tensor> Tensor(DType dtype, ValueRange? range = null, Layouts layouts = Layouts.Any,
        int maxRank = 4, long maxElements = 256) =>
        from shape in Shape(0, maxRank, 5, maxElements)
        from t in Tensor(shape, dtype, range, layouts)
        select t;

    /// <summary>A contiguous tensor of the given shape.</summary>
    public static Gen<Tensor> Contiguous(int[] shape, DType dtype, ValueRange? range = null) =>
        Values((int)Shapes.ElementCount(shape), dtype, range).Select(v => FromDoubles(v, shape, dtype));

    /// <summary>A non-contiguous permuted view with the given shape (a contiguous tensor when rank &lt; 2).</summary>
    public static Gen<Tensor> Permuted(int[] shape, DType dtype, ValueRange? range = null) =>
        from order in Gen.Shuffle(Enumerable.Range(0, shape.Length).ToArray())
        from stored in Contiguous(order.Select(d => shape[d]).ToArray(), dtype, range)
        select stored.Permute(Inverse(order));

    /// <summary>
    /// A view that takes every second element (from offset 0 or 1) of a larger tensor along each dim.
    /// </summary>
    public static Gen<Tensor> Sliced(int[] shape, DType dtype, ValueRange? range = null) =>
        from starts in Gen.ArrayOf(Gen.Choose(0, 1), shape.Length)
        from stored in Contiguous(shape.Select(d => 2 * d + 1).ToArray(), dtype, range)
        select SliceEvery2(stored, shape, starts);

    /// <summary>A view in which some dims of the target shape are broadcast from size 1 (stride 0).</summary>
    public static Gen<Tensor> Expanded(int[] shape, DType dtype, ValueRange? range = null) =>
        from source in BroadcastSource(shape)
        from stored in Contiguous(source, dtype, range)
        select stored.Expand(shape);

    /// <summary>
    /// Builds a tensor of <paramref name="dtype"/> from doubles (exact for the values <see cref="Values"/> makes).
    /// </summary>
    public static Tensor FromDoubles(double[] values, int[] shape, DType dtype) => Engine.Tensor.From<double>(values,
        shape).Cast(dtype);

    private static Tensor SliceEvery2(Tensor stored, int[] shape, int[] starts)
    {
        var t = stored;
        for (int d = 0; d < shape.Length; d++) t = t.Slice(d, starts[d], starts[d] + 2 * shape[d], 2);
        return t;
    }

    private static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return inverse;
    }

    private static int[] Bound(int[] dims, long maxElements)
    {
        // Halve the largest dim until the count fits, keeping ranks and zero dims intact.
        while (dims.Aggregate(1L, (p, d) => p * d) > maxElements)
        {
            int i = Array.IndexOf(dims, dims.Max());
            dims[i] = Math.Max(1, dims[i] / 2);
        }
        return dims;
    }

    // Two signed 4-bit codes per byte, low nibble first; an odd count leaves the last high nibble zero.
    private static byte[] PackInt4(double[] codes)
    {
        var packed = new byte[(codes.Length + 1) / 2];
        for (int i = 0; i < codes.Length; i++) packed[i / 2] |= (byte)(((int)codes[i] & 0x0F) << (4 * (i % 2)));
        return packed;
    }

    private static (double Lo, double Hi) IntegerLimits(DType dtype) => dtype switch
    {
        DType.Int32 => (int.MinValue, int.MaxValue),
        DType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        DType.UInt8 => (0, 255),
        _ => (-8, 7),
    };
}

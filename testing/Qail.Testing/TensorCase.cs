using System.Globalization;
using Qail.Engine;

namespace Qail.Testing;

/// <summary>
/// A generated tensor as plain data, so it can be shrunk, printed and rebuilt: shape, dtype, one memory layout and the
/// row-major values (for <see cref="Layouts.Expanded"/> the values of <see cref="Source"/>, the broadcast source).
/// <see cref="ToTensor"/> builds a fresh tensor each call, so a property may modify it.
/// </summary>
/// <param name="Shape">Logical shape of the tensor.</param>
/// <param name="DType">Element type.</param>
/// <param name="Layout">One of <see cref="Layouts.Contiguous"/>, <see cref="Layouts.Permuted"/>,
/// <see cref="Layouts.Sliced"/> or <see cref="Layouts.Expanded"/>.</param>
/// <param name="Values">Row-major element values, exactly representable in <paramref name="DType"/>.</param>
/// <param name="Order">Permuted: the storage order of the dims (storage dim i holds logical dim Order[i]).</param>
/// <param name="Starts">Sliced: the offset (0 or 1) of every second element taken along each dim.</param>
/// <param name="Source">Expanded: the shape broadcast to <paramref name="Shape"/>.</param>
public sealed record TensorCase(int[] Shape, DType DType, Layouts Layout, double[] Values,
    int[]? Order = null, int[]? Starts = null, int[]? Source = null)
{
    /// <summary>A contiguous case of the given values.</summary>
    public static TensorCase Contiguous(int[] shape, DType dtype, double[] values) => new(shape, dtype,
        Layouts.Contiguous, values);

    /// <summary>Number of elements of the logical shape.</summary>
    public long ElementCount => Shapes.ElementCount(Shape);

    /// <summary>Builds the tensor: a fresh contiguous one, or a view in the case's layout over fresh storage.</summary>
    public Tensor ToTensor() => Layout switch
    {
        _ when DType == DType.Int4Packed => Int4(),
        Layouts.Permuted => Build(Values, Shape).Permute(Order!).Contiguous().Permute(Inverse(Order!)),
        Layouts.Sliced => SlicedView(),
        Layouts.Expanded => Build(Values, Source!).Expand(Shape),
        _ => Build(Values, Shape),
    };

    /// <summary>The row-major values of the logical tensor (repeats included for expanded views).</summary>
    public double[] LogicalValues() => Layout == Layouts.Expanded ? ToTensor().ToDoubleArray() : Values;

    /// <summary>The same logical tensor, stored contiguously.</summary>
    public TensorCase AsContiguous() => Contiguous(Shape, DType, LogicalValues());

    /// <summary>One line: dtype, shape, layout and the values (the first 48 when there are more).</summary>
    public override string ToString()
    {
        string layout = Layout switch
        {
            Layouts.Permuted => $"permuted view (storage order {Shapes.Format(Order!)})",
            Layouts.Sliced => $"sliced view (every 2nd element from {Shapes.Format(Starts!)})",
            Layouts.Expanded => $"expanded view of {Shapes.Format(Source!)}",
            _ => "contiguous",
        };
        var values = LogicalValues();
        string shown = string.Join(", ", values.Take(48).Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        string more = values.Length > 48 ? $", ... ({values.Length - 48} more)" : "";
        return $"{DType.Name()} {Shapes.Format(Shape)} {layout}: [{shown}{more}]";
    }

    /// <inheritdoc />
    public bool Equals(TensorCase? other) => other is not null && DType == other.DType && Layout == other.Layout
        && Shape.SequenceEqual(other.Shape)
            && Values.Select(BitConverter.DoubleToInt64Bits)
                .SequenceEqual(other.Values.Select(BitConverter.DoubleToInt64Bits))
        && Same(Order, other.Order) && Same(Starts, other.Starts) && Same(Source, other.Source);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DType, Layout, Shapes.Format(Shape), Values.Length);

    private static bool Same(int[]? a, int[]? b) => a is null ? b is null : b is not null && a.SequenceEqual(b);

    private Tensor Build(double[] values, int[] shape) => Tensor.From<double>(values, shape).Cast(DType);

    private Tensor SlicedView()
    {
        var storedShape = Shape.Select(d => 2 * d + 1).ToArray();
        var stored = new double[Shapes.ElementCount(storedShape)];
        // Elements the view skips hold a value no kernel should read: NaN for floats, the dtype's maximum otherwise.
        Array.Fill(stored, DType.IsFloatingPoint() ? double.NaN : DTypeLimits.Of(DType).Highest);
        var index = new int[Shape.Length];
        for (int e = 0; e < Values.Length; e++)
        {
            long flat = 0;
            for (int d = 0; d < Shape.Length; d++) flat = flat * storedShape[d] + Starts![d] + 2 * index[d];
            stored[flat] = Values[e];
            for (int d = Shape.Length - 1; d >= 0 && ++index[d] == Shape[d]; d--) index[d] = 0;
        }
        var t = Build(stored, storedShape);
        for (int d = 0; d < Shape.Length; d++) t = t.Slice(d, Starts![d], Starts[d] + 2 * Shape[d], 2);
        return t;
    }

    // Two signed 4-bit codes per byte, low nibble first; an odd count leaves the last high nibble zero.
    private Tensor Int4()
    {
        var packed = new byte[(Values.Length + 1) / 2];
        for (int i = 0; i < Values.Length; i++) packed[i / 2] |= (byte)(((int)Values[i] & 0x0F) << (4 * (i % 2)));
        return new Tensor(CpuStorage.WrapInt4(packed, Values.Length), Shape);
    }

    internal static int[] Inverse(int[] order)
    {
        var inverse = new int[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return inverse;
    }
}

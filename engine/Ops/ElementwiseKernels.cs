namespace Qail.Engine;

/// <summary>A vector operation over one span (an elementwise unary op).</summary>
internal interface ISpanUnary<T>
{
    void Apply(ReadOnlySpan<T> x, Span<T> y);
}

/// <summary>A vector operation over two equal-length spans into a third of element type TOut.</summary>
internal interface ISpanZip<T, TOut>
{
    void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<TOut> d);
}

/// <summary>An elementwise binary op: the result has the operands' element type.</summary>
internal interface ISpanBinary<T> : ISpanZip<T, T>
{
}

/// <summary>An elementwise comparison writing a 0/1 mask.</summary>
internal interface ISpanCompare<T> : ISpanZip<T, byte>
{
}

public sealed partial class Tensor
{
    internal static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException(
                $"{op}: dtypes {a.DType.Name()} and {b.DType.Name()} differ (shapes {Shapes.Format(a.ShapeSpan)} and "
                + $"{Shapes.Format(b.ShapeSpan)}); cast one explicitly.");
    }

    internal static ArgumentException Unsupported(string op, Tensor t, string supported) =>
        new($"{op} is not defined for {t.DType.Name()} (shape {Shapes.Format(t.ShapeSpan)}); it takes {supported}.");

    internal void RequireFloat(string op)
    {
        if (!DType.IsFloatingPoint()) throw Unsupported(op, this, "float32 or float64");
    }

    internal void RequireNumeric(string op)
    {
        if (DType is not (DType.Float32 or DType.Float64 or DType.Int32))
            throw Unsupported(op, this, "float32, float64 or int32");
    }

    /// <summary>A scalar of this tensor's dtype, for the (Tensor, double) overloads.</summary>
    private static Tensor ScalarOf(double value, Tensor like, string op)
    {
        if (like.DType == DType.Int32 && (value != Math.Round(value) || value < int.MinValue || value > int.MaxValue))
            throw new ArgumentException($"{op}: scalar {value} is not an int32 value, but the tensor (shape "
                + $"{Shapes.Format(like.ShapeSpan)}) is int32.");
        return Scalar(value, like.DType);
    }

    private Tensor MapFloat<TF, TD>(string op, TF f, TD d)
        where TF : struct, ISpanUnary<float> where TD : struct, ISpanUnary<double>
    {
        HostStorage(op);
        return DType switch
        {
            DType.Float32 => Map<float, TF>(f),
            DType.Float64 => Map<double, TD>(d),
            _ => throw Unsupported(op, this, "float32 or float64"),
        };
    }

    private Tensor MapNumeric<TF, TD, TI>(string op, TF f, TD d, TI i)
        where TF : struct, ISpanUnary<float> where TD : struct, ISpanUnary<double> where TI : struct, ISpanUnary<int>
    {
        HostStorage(op);
        return DType switch
        {
            DType.Float32 => Map<float, TF>(f),
            DType.Float64 => Map<double, TD>(d),
            DType.Int32 => Map<int, TI>(i),
            _ => throw Unsupported(op, this, "float32, float64 or int32"),
        };
    }

    private Tensor Map<T, TOp>(TOp op) where T : unmanaged where TOp : struct, ISpanUnary<T>
    {
        var result = Uninitialized(_shape, DType);
        // TensorPrimitives rejects some empty spans.
        if (ElementCount > 0) op.Apply(Contiguous().AsSpan<T>(), result.AsSpan<T>());
        return result;
    }

    private static Tensor ZipFloat<TF, TD>(string op, Tensor a, Tensor b, TF f, TD d)
        where TF : struct, ISpanBinary<float> where TD : struct, ISpanBinary<double>
    {
        var shape = PrepareBinary(op, a, b);
        return a.DType switch
        {
            DType.Float32 => Zip<float, float, TF>(a, b, shape, f),
            DType.Float64 => Zip<double, double, TD>(a, b, shape, d),
            _ => throw Unsupported(op, a, "float32 or float64"),
        };
    }

    private static Tensor ZipNumeric<TF, TD, TI>(string op, Tensor a, Tensor b, TF f, TD d, TI i)
        where TF : struct, ISpanBinary<float> where TD : struct, ISpanBinary<double> where TI : struct, ISpanBinary<int>
    {
        var shape = PrepareBinary(op, a, b);
        return a.DType switch
        {
            DType.Float32 => Zip<float, float, TF>(a, b, shape, f),
            DType.Float64 => Zip<double, double, TD>(a, b, shape, d),
            DType.Int32 => Zip<int, int, TI>(a, b, shape, i),
            _ => throw Unsupported(op, a, "float32, float64 or int32"),
        };
    }

    private static Tensor CompareNumeric<TF, TD, TI>(string op, Tensor a, Tensor b, TF f, TD d, TI i)
        where TF : struct, ISpanCompare<float> where TD : struct, ISpanCompare<double>
        where TI : struct, ISpanCompare<int>
    {
        var shape = PrepareBinary(op, a, b);
        return a.DType switch
        {
            DType.Float32 => Zip<float, byte, TF>(a, b, shape, f),
            DType.Float64 => Zip<double, byte, TD>(a, b, shape, d),
            DType.Int32 => Zip<int, byte, TI>(a, b, shape, i),
            _ => throw Unsupported(op, a, "float32, float64 or int32"),
        };
    }

    private static int[] PrepareBinary(string op, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        a.HostStorage(op);
        b.HostStorage(op);
        CheckSameDType(op, a, b);
        return Shapes.Broadcast(a._shape, b._shape, op);
    }

    // Applies op row by row over the broadcast shape; every element of the result is written.
    private static Tensor Zip<T, TOut, TOp>(Tensor a, Tensor b, int[] shape, TOp op)
        where T : unmanaged where TOut : unmanaged where TOp : struct, ISpanZip<T, TOut>
    {
        var result = Uninitialized(shape, DTypeInfo.Of<TOut>());
        if (result.ElementCount == 0) return result;
        var ea = a.Expand(shape);
        var eb = b.Expand(shape);
        var rows = new StridedRows(shape, [ea._strides, eb._strides], [ea.Offset, eb.Offset]);
        var da = a.HostStorage().AsArray<T>();
        var db = b.HostStorage().AsArray<T>();
        var dst = result.HostStorage().AsArray<TOut>();
        int inner = rows.Inner, sa = rows.InnerStrides[0], sb = rows.InnerStrides[1];
        var scratchA = sa == 1 ? [] : new T[inner];
        var scratchB = sb == 1 ? [] : new T[inner];
        int o = 0;
        do
        {
            op.Apply(StridedRows.Row(da, rows.Offset(0), sa, inner, scratchA),
                StridedRows.Row(db, rows.Offset(1), sb, inner, scratchB),
                dst.AsSpan(o, inner));
            o += inner;
        } while (rows.MoveNext());
        return result;
    }
}

using System.Numerics;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>a == b elementwise with broadcasting, as a uint8 mask (1 where true).</summary>
    public static Tensor Eq(Tensor a, Tensor b) =>
        CompareNumeric(nameof(Eq), a, b, new EqOp<float>(), new EqOp<double>(), new EqOp<int>());

    /// <summary>a != b elementwise with broadcasting, as a uint8 mask.</summary>
    public static Tensor Ne(Tensor a, Tensor b) =>
        CompareNumeric(nameof(Ne), a, b, new NeOp<float>(), new NeOp<double>(), new NeOp<int>());

    /// <summary>a &lt; b elementwise with broadcasting, as a uint8 mask.</summary>
    public static Tensor Lt(Tensor a, Tensor b) =>
        CompareNumeric(nameof(Lt), a, b, new LtOp<float>(), new LtOp<double>(), new LtOp<int>());

    /// <summary>a &lt;= b elementwise with broadcasting, as a uint8 mask.</summary>
    public static Tensor Le(Tensor a, Tensor b) =>
        CompareNumeric(nameof(Le), a, b, new LeOp<float>(), new LeOp<double>(), new LeOp<int>());

    /// <summary>a &gt; b elementwise with broadcasting, as a uint8 mask.</summary>
    public static Tensor Gt(Tensor a, Tensor b) => Lt(b, a);

    /// <summary>a &gt;= b elementwise with broadcasting, as a uint8 mask.</summary>
    public static Tensor Ge(Tensor a, Tensor b) => Le(b, a);

    /// <summary>a == b against a scalar.</summary>
    public static Tensor Eq(Tensor a, double b) => Eq(a, ScalarOf(b, a, nameof(Eq)));

    /// <summary>a != b against a scalar.</summary>
    public static Tensor Ne(Tensor a, double b) => Ne(a, ScalarOf(b, a, nameof(Ne)));

    /// <summary>a &lt; b against a scalar.</summary>
    public static Tensor Lt(Tensor a, double b) => Lt(a, ScalarOf(b, a, nameof(Lt)));

    /// <summary>a &lt;= b against a scalar.</summary>
    public static Tensor Le(Tensor a, double b) => Le(a, ScalarOf(b, a, nameof(Le)));

    /// <summary>a &gt; b against a scalar.</summary>
    public static Tensor Gt(Tensor a, double b) => Gt(a, ScalarOf(b, a, nameof(Gt)));

    /// <summary>a &gt;= b against a scalar.</summary>
    public static Tensor Ge(Tensor a, double b) => Ge(a, ScalarOf(b, a, nameof(Ge)));

    /// <summary>
    /// Picks <paramref name="a"/> where <paramref name="condition"/> (uint8) is non-zero, else <paramref name="b"/>;
    /// all three broadcast together; a and b share a dtype.
    /// </summary>
    public static Tensor Where(Tensor condition, Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (condition.DType != DType.UInt8)
            throw new ArgumentException($"Where: condition must be a uint8 mask, got {condition.DType.Name()} (shape "
                + $"{Shapes.Format(condition.ShapeSpan)}).", nameof(condition));
        var ab = PrepareBinary(nameof(Where), a, b);
        condition.HostStorage(nameof(Where));
        int[] shape;
        try
        {
            shape = Shapes.Broadcast(condition._shape, ab, nameof(Where));
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(
                $"Where: condition {Shapes.Format(condition.ShapeSpan)}, a {Shapes.Format(a.ShapeSpan)} and b "
                + $"{Shapes.Format(b.ShapeSpan)} cannot be broadcast together.");
        }
        return a.DType switch
        {
            DType.Float32 => Select<float>(condition, a, b, shape),
            DType.Float64 => Select<double>(condition, a, b, shape),
            DType.Int32 => Select<int>(condition, a, b, shape),
            DType.Int8 => Select<sbyte>(condition, a, b, shape),
            DType.UInt8 => Select<byte>(condition, a, b, shape),
            _ => throw Unsupported(nameof(Where), a, "float32, float64, int32, int8 or uint8"),
        };
    }

    private static Tensor Select<T>(Tensor condition, Tensor a, Tensor b, int[] shape) where T : unmanaged
    {
        var result = Zeros(shape, a.DType);
        if (result.ElementCount == 0) return result;
        var ec = condition.Expand(shape);
        var ea = a.Expand(shape);
        var eb = b.Expand(shape);
        var rows = new StridedRows(shape, [ec._strides, ea._strides, eb._strides], [ec.Offset, ea.Offset, eb.Offset]);
        var dc = condition.HostStorage().AsArray<byte>();
        var da = a.HostStorage().AsArray<T>();
        var db = b.HostStorage().AsArray<T>();
        var dst = result.HostStorage().AsArray<T>();
        int inner = rows.Inner, sc = rows.InnerStrides[0], sa = rows.InnerStrides[1], sb = rows.InnerStrides[2];
        int o = 0;
        do
        {
            int oc = rows.Offset(0), oa = rows.Offset(1), ob = rows.Offset(2);
            for (int j = 0; j < inner; j++, oc += sc, oa += sa, ob += sb) dst[o++] = dc[oc] != 0 ? da[oa] : db[ob];
        } while (rows.MoveNext());
        return result;
    }

    private readonly struct EqOp<T> : ISpanCompare<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<byte> d)
        {
            for (int i = 0; i < a.Length; i++) d[i] = a[i] == b[i] ? (byte)1 : (byte)0;
        }
    }

    private readonly struct NeOp<T> : ISpanCompare<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<byte> d)
        {
            for (int i = 0; i < a.Length; i++) d[i] = a[i] != b[i] ? (byte)1 : (byte)0;
        }
    }

    private readonly struct LtOp<T> : ISpanCompare<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<byte> d)
        {
            for (int i = 0; i < a.Length; i++) d[i] = a[i] < b[i] ? (byte)1 : (byte)0;
        }
    }

    private readonly struct LeOp<T> : ISpanCompare<T> where T : INumber<T>
    {
        public void Apply(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<byte> d)
        {
            for (int i = 0; i < a.Length; i++) d[i] = a[i] <= b[i] ? (byte)1 : (byte)0;
        }
    }
}

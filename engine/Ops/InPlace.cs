using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>this += alpha * other, in place (same shape and dtype; for optimizers). Returns this.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        const string op = nameof(AddInPlace);
        ArgumentNullException.ThrowIfNull(other);
        RequireWritable(op);
        other.HostStorage(op);
        CheckSameDType(op, this, other);
        RequireNumeric(op);
        if (!Shapes.Equal(_shape, other._shape))
            throw new ArgumentException(
                $"{op}: shapes {Shapes.Format(_shape)} and {Shapes.Format(other.ShapeSpan)} differ.", nameof(other));
        if (IsContiguous && other.IsContiguous && DType.IsFloatingPoint())
        {
            if (DType == DType.Float32)
                TensorPrimitives.MultiplyAdd(other.AsSpan<float>(), (float)alpha, AsSpan<float>(), AsSpan<float>());
            else TensorPrimitives.MultiplyAdd(other.AsSpan<double>(), alpha, AsSpan<double>(), AsSpan<double>());
            return this;
        }
        Add(this, alpha == 1 ? other : Mul(other, alpha)).CopyTo(this);
        return this;
    }

    /// <summary>this *= factor, in place. Returns this.</summary>
    public Tensor ScaleInPlace(double factor)
    {
        const string op = nameof(ScaleInPlace);
        RequireWritable(op);
        RequireNumeric(op);
        if (IsContiguous && DType == DType.Float32)
            TensorPrimitives.Multiply(AsSpan<float>(), (float)factor, AsSpan<float>());
        else if (IsContiguous && DType == DType.Float64)
            TensorPrimitives.Multiply(AsSpan<double>(), factor, AsSpan<double>());
        else Mul(this, factor).CopyTo(this);
        return this;
    }

    /// <summary>
    /// Sets every element to <paramref name="value"/> (exactly representable in the dtype), in place. Returns this.
    /// </summary>
    public Tensor FillInPlace(double value)
    {
        const string op = nameof(FillInPlace);
        RequireWritable(op);
        RequireNotPacked(op);
        Full([], value, DType).Expand(_shape).CopyTo(this);
        return this;
    }

    /// <summary>Sets every element to zero, in place. Returns this.</summary>
    public Tensor ZeroInPlace() => FillInPlace(0);

    // Writing through a broadcast view (stride 0 over a dim > 1) would write one element many times.
    private void RequireWritable(string op)
    {
        HostStorage(op);
        for (int d = 0; d < Rank; d++)
            if (_strides[d] == 0 && _shape[d] > 1)
                throw new InvalidOperationException($"{op}: tensor {Shapes.Format(_shape)} with strides "
                    + $"{Shapes.Format(_strides)} is a broadcast view; in-place writes would alias.");
    }
}

using System.Numerics;
using System.Numerics.Tensors;

namespace Qail.Engine;

public sealed partial class Tensor
{
    private const int BiasActivationChunk = 256;

    /// <summary>
    /// activation(x + bias) in one pass over the rows of <paramref name="input"/> [..., C], with bias [C] (or none);
    /// the same values as the add followed by <see cref="Relu"/> or <see cref="Gelu"/>.
    /// </summary>
    public static Tensor BiasActivation(Tensor input, Tensor? bias, Activation activation)
    {
        const string op = nameof(BiasActivation);
        int columns = BiasActivationColumns(op, input, bias);
        var x = input.Contiguous();
        var y = Zeros(x.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
            BiasActivationRows<float>(x.AsSpan<float>(), BiasSpan<float>(bias), columns, activation, y.AsSpan<float>());
        else
        {
            BiasActivationRows<double>(x.AsSpan<double>(), BiasSpan<double>(bias), columns, activation,
                y.AsSpan<double>());
        }
        return y;
    }

    /// <summary>
    /// Gradients of <see cref="BiasActivation"/>: dz = g activation'(x + bias) (ReLU from the output
    /// <paramref name="output"/>, GELU from the input and bias) and the bias gradient, the column sums of dz (null
    /// without a bias).
    /// </summary>
    public static (Tensor Input, Tensor? Bias) BiasActivationBackward(Tensor gradOutput, Tensor input, Tensor? bias,
        Tensor output, Activation activation)
    {
        const string op = nameof(BiasActivationBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(output);
        int columns = BiasActivationColumns(op, input, bias);
        gradOutput.HostStorage(op);
        CheckSameDType(op, input, gradOutput);
        if (!Shapes.Equal(gradOutput.ShapeSpan, input.ShapeSpan) || !Shapes.Equal(output.ShapeSpan, input.ShapeSpan))
        {
            throw new ArgumentException($"{op}: gradOutput {Shapes.Format(gradOutput.ShapeSpan)} and output "
                + $"{Shapes.Format(output.ShapeSpan)} must have the input's shape {Shapes.Format(input.ShapeSpan)}.");
        }
        var (g, x, y) = (gradOutput.Contiguous(), input.Contiguous(), output.Contiguous());
        var dz = activation == Activation.Identity ? g : Zeros(x.ShapeSpan, x.DType);
        var db = bias is null ? null : Zeros([columns], x.DType);
        if (x.DType == DType.Float32)
        {
            BiasActivationGradRows<float>(g.AsSpan<float>(), x.AsSpan<float>(), y.AsSpan<float>(),
                BiasSpan<float>(bias), columns, activation, dz.AsSpan<float>(),
                db is null ? default : db.AsSpan<float>());
        }
        else
        {
            BiasActivationGradRows<double>(g.AsSpan<double>(), x.AsSpan<double>(), y.AsSpan<double>(),
                BiasSpan<double>(bias), columns, activation, dz.AsSpan<double>(),
                db is null ? default : db.AsSpan<double>());
        }
        return (dz, db);
    }

    private static int BiasActivationColumns(string op, Tensor input, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(input);
        input.HostStorage(op);
        input.RequireFloat(op);
        if (input.Rank < 1 || input.Size(-1) == 0)
        {
            throw new ArgumentException(
                $"{op}: input {Shapes.Format(input.ShapeSpan)} needs a non-empty last dimension.", nameof(input));
        }
        if (bias is null) return input.Size(-1);
        bias.HostStorage(op);
        CheckSameDType(op, input, bias);
        if (bias.Rank != 1 || bias.Size(0) != input.Size(-1))
        {
            throw new ArgumentException($"{op}: bias {Shapes.Format(bias.ShapeSpan)} must be [{input.Size(-1)}] for "
                + $"input {Shapes.Format(input.ShapeSpan)}.", nameof(bias));
        }
        return input.Size(-1);
    }

    private static ReadOnlySpan<T> BiasSpan<T>(Tensor? bias) where T : unmanaged =>
        bias is null ? default : bias.Contiguous().AsSpan<T>();

    private static void BiasActivationRows<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> bias, int columns,
        Activation activation, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int start = 0; start < x.Length; start += columns)
        {
            var row = y.Slice(start, columns);
            if (bias.IsEmpty) x.Slice(start, columns).CopyTo(row);
            else TensorPrimitives.Add(x.Slice(start, columns), bias, row);
            if (activation == Activation.Relu) TensorPrimitives.Max(row, T.Zero, row);
            else if (activation == Activation.Gelu) GeluKernel.Forward<T>(row, row);
        }
    }

    private static void BiasActivationGradRows<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> y,
        ReadOnlySpan<T> bias, int columns, Activation activation, Span<T> dz, Span<T> db)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> z = stackalloc T[BiasActivationChunk];
        for (int start = 0; start < x.Length; start += columns)
        {
            var dRow = dz.Slice(start, columns);
            if (activation == Activation.Relu)
                SignKernel.ReluBackward<T>(g.Slice(start, columns), y.Slice(start, columns), dRow);
            else if (activation == Activation.Gelu)
            {
                // The pre-activation x + b is rebuilt chunk by chunk instead of being kept from the forward pass.
                for (int c = 0; c < columns; c += BiasActivationChunk)
                {
                    int n = Math.Min(BiasActivationChunk, columns - c);
                    var zs = z[..n];
                    if (bias.IsEmpty) x.Slice(start + c, n).CopyTo(zs);
                    else TensorPrimitives.Add(x.Slice(start + c, n), bias.Slice(c, n), zs);
                    GeluKernel.Backward<T>(g.Slice(start + c, n), zs, dRow.Slice(c, n));
                }
            }
            if (!db.IsEmpty) TensorPrimitives.Add(db, dRow, db);
        }
    }
}

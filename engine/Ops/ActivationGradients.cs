namespace Qail.Engine;

public sealed partial class Tensor
{
    /// <summary>
    /// The ReLU input gradient from its output: <paramref name="gradOutput"/> * sign(<paramref name="output"/>) in
    /// one pass (the same values as the two ops; broadcasting or mixed layouts take the two-op path).
    /// </summary>
    public static Tensor ReluBackward(Tensor gradOutput, Tensor output)
    {
        const string op = nameof(ReluBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(output);
        gradOutput.HostStorage(op);
        output.HostStorage(op);
        if (!Shapes.Equal(gradOutput.ShapeSpan, output.ShapeSpan) || gradOutput.DType != output.DType
            || !gradOutput.DType.IsFloatingPoint())
        {
            return gradOutput * output.Sign();
        }
        var g = gradOutput.Contiguous();
        var y = output.Contiguous();
        var dx = Zeros(y.ShapeSpan, y.DType);
        if (y.DType == DType.Float32)
            SignKernel.ReluBackward<float>(g.AsSpan<float>(), y.AsSpan<float>(), dx.AsSpan<float>());
        else SignKernel.ReluBackward<double>(g.AsSpan<double>(), y.AsSpan<double>(), dx.AsSpan<double>());
        return dx;
    }

    /// <summary>
    /// The GELU (tanh approximation) input gradient <paramref name="gradOutput"/> * gelu'(<paramref name="input"/>)
    /// in one vectorised pass; both operands have the input's shape.
    /// </summary>
    public static Tensor GeluBackward(Tensor gradOutput, Tensor input)
    {
        const string op = nameof(GeluBackward);
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(input);
        gradOutput.HostStorage(op);
        input.HostStorage(op);
        input.RequireFloat(op);
        CheckSameDType(op, input, gradOutput);
        if (!Shapes.Equal(gradOutput.ShapeSpan, input.ShapeSpan))
        {
            throw new ArgumentException(
                $"{op}: gradOutput shape {Shapes.Format(gradOutput.ShapeSpan)} must equal input shape "
                + $"{Shapes.Format(input.ShapeSpan)}.", nameof(gradOutput));
        }
        var g = gradOutput.Contiguous();
        var x = input.Contiguous();
        var dx = Zeros(x.ShapeSpan, x.DType);
        if (x.DType == DType.Float32)
            GeluKernel.Backward<float>(g.AsSpan<float>(), x.AsSpan<float>(), dx.AsSpan<float>());
        else GeluKernel.Backward<double>(g.AsSpan<double>(), x.AsSpan<double>(), dx.AsSpan<double>());
        return dx;
    }
}

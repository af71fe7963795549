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
        var dx = Uninitialized(y.ShapeSpan, y.DType);
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

    /// <summary>
    /// The softmax input gradient y * (g - sum(g * y)) along <paramref name="axis"/> from the output y; one pass per
    /// row when the axis is the last one (the other axes take the composition of ops).
    /// </summary>
    public static Tensor SoftmaxBackward(Tensor gradOutput, Tensor output, int axis) =>
        SoftmaxFamilyBackward(nameof(SoftmaxBackward), gradOutput, output, axis, log: false);

    /// <summary>
    /// The log-softmax input gradient g - exp(y) * sum(g) along <paramref name="axis"/> from the output y; one pass per
    /// row when the axis is the last one.
    /// </summary>
    public static Tensor LogSoftmaxBackward(Tensor gradOutput, Tensor output, int axis) =>
        SoftmaxFamilyBackward(nameof(LogSoftmaxBackward), gradOutput, output, axis, log: true);

    private static Tensor SoftmaxFamilyBackward(string op, Tensor gradOutput, Tensor output, int axis, bool log)
    {
        ArgumentNullException.ThrowIfNull(gradOutput);
        ArgumentNullException.ThrowIfNull(output);
        gradOutput.HostStorage(op);
        output.HostStorage(op);
        output.RequireFloat(op);
        CheckSameDType(op, output, gradOutput);
        if (output.Rank == 0 || axis < -output.Rank || axis >= output.Rank)
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"{op}: axis is outside the rank of {output}.");
        bool last = axis == -1 || axis == output.Rank - 1;
        if (!last || !Shapes.Equal(gradOutput.ShapeSpan, output.ShapeSpan))
        {
            if (log) return gradOutput - output.Exp() * gradOutput.Sum([axis], keepDim: true);
            var gy = gradOutput * output;
            return gy - output * gy.Sum([axis], keepDim: true);
        }
        var g = gradOutput.Contiguous();
        var y = output.Contiguous();
        var dx = Zeros(y.ShapeSpan, y.DType);
        int inner = y.Size(-1);
        if (y.DType == DType.Float32)
            SoftmaxKernels.Backward<float>(g.AsSpan<float>(), y.AsSpan<float>(), inner, log, dx.AsSpan<float>());
        else SoftmaxKernels.Backward<double>(g.AsSpan<double>(), y.AsSpan<double>(), inner, log, dx.AsSpan<double>());
        return dx;
    }
}

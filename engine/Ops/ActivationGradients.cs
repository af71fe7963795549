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
}

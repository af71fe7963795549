using Qail.Autograd;
using Qail.Engine;

namespace Qail.Nn;

/// <summary>Average pooling over square windows of NCHW input.</summary>
public sealed class AvgPool2d(int kernelSize, int? stride = null, int padding = 0) : Module
{
    /// <summary>Window, stride (defaults to the window) and padding.</summary>
    public Pool2dOptions Options { get; } = Pool2dOptions.Square(kernelSize, stride, padding);

    /// <inheritdoc/>
    public override Variable Forward(Variable input) => Variable.AvgPool2d(input, Options);
}

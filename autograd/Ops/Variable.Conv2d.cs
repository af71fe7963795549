using Qail.Engine;

namespace Qail.Autograd;

public sealed partial class Variable
{
    /// <summary>
    /// 2-D convolution, NCHW input and [outC, inC/groups, kH, kW] weight, optional [outC] bias; gradients flow to
    /// input, weight and bias through the engine's transposed-convolution kernels.
    /// </summary>
    public static Variable Conv2d(Variable input, Variable weight, Variable? bias, Conv2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        var (x, w) = (input.Value, weight.Value);
        var y = Tensor.Conv2d(x, w, bias?.Value, options);
        Variable[] inputs = bias is null ? [input, weight] : [input, weight, bias];
        return Record(nameof(Conv2d), y, inputs, (g, n) =>
        {
            var grads = new Tensor?[inputs.Length];
            if (n[0]) grads[0] = Tensor.Conv2dBackwardInput(g, w, x.ShapeToArray(), options);
            if (n[1]) grads[1] = Tensor.Conv2dBackwardWeight(g, x, w.ShapeToArray(), options);
            if (inputs.Length == 3 && n[2]) grads[2] = g.Sum([0, 2, 3]);
            return grads;
        });
    }
}

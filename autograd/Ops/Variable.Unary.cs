using Qail.Engine;

namespace Qail.Autograd;

// Elementwise unary ops; each backward rule sits next to its forward.
public sealed partial class Variable
{
    /// <summary>-x.</summary>
    public Variable Neg() => Record(nameof(Neg), Value.Neg(), [this], (g, _) => [g.Neg()]);

    /// <summary>e^x; d/dx = e^x.</summary>
    public Variable Exp()
    {
        var y = Value.Exp();
        return Record(nameof(Exp), y, [this], (g, _) => [g * y]);
    }

    /// <summary>Natural logarithm; d/dx = 1/x.</summary>
    public Variable Log()
    {
        var x = Value;
        return Record(nameof(Log), x.Log(), [this], (g, _) => [g / x]);
    }

    /// <summary>Square root; d/dx = 1/(2 sqrt x).</summary>
    public Variable Sqrt()
    {
        var y = Value.Sqrt();
        return Record(nameof(Sqrt), y, [this], (g, _) => [g / (y * 2.0)]);
    }

    /// <summary>|x|; d/dx = sign(x), 0 at x = 0.</summary>
    public Variable Abs()
    {
        var x = Value;
        return Record(nameof(Abs), x.Abs(), [this], (g, _) => [g * x.Sign()]);
    }

    /// <summary>max(x, 0); d/dx = 1 where x &gt; 0, else 0 (0 at x = 0).</summary>
    public Variable Relu()
    {
        var y = Value.Relu();
        // sign(relu(x)) is exactly the 0/1 mask x > 0.
        return Record(nameof(Relu), y, [this], (g, _) => [Tensor.ReluBackward(g, y)]);
    }

    /// <summary>GELU, tanh approximation 0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2/pi).</summary>
    public Variable Gelu()
    {
        var x = Value;
        // d/dx = 0.5 (1 + t) + 0.5 x (1 - t^2) c (1 + 3a x^2), t = tanh(c (x + a x^3)), c = sqrt(2/pi), a = 0.044715.
        return Record(nameof(Gelu), x.Gelu(), [this], (g, _) => [Tensor.GeluBackward(g, x)]);
    }

    /// <summary>Logistic sigmoid; d/dx = y (1 - y).</summary>
    public Variable Sigmoid()
    {
        var y = Value.Sigmoid();
        return Record(nameof(Sigmoid), y, [this], (g, _) => [g * y * (1.0 - y)]);
    }

    /// <summary>Hyperbolic tangent; d/dx = 1 - y^2.</summary>
    public Variable Tanh()
    {
        var y = Value.Tanh();
        return Record(nameof(Tanh), y, [this], (g, _) => [g * (1.0 - y.Square())]);
    }

    /// <summary>
    /// Clamps to [min, max]; the gradient passes where min &lt;= x &lt;= max (boundaries included, as in PyTorch) and
    /// is 0 outside.
    /// </summary>
    public Variable Clamp(double min, double max)
    {
        var x = Value;
        var y = x.Clamp(min, max);
        return Record(nameof(Clamp), y, [this], (g, _) => [g * Tensor.Eq(y, x).Cast(g.DType)]);
    }

    /// <summary>
    /// Rounds half to even; its gradient is 0 everywhere (use a custom function for a straight-through estimator).
    /// </summary>
    public Variable Round() =>
        Record(nameof(Round), Value.Round(), [this], (g, _) => [Tensor.Zeros(g.ShapeSpan, g.DType)]);

    /// <summary>Sign (-1, 0, 1); its gradient is 0 everywhere.</summary>
    public Variable Sign() =>
        Record(nameof(Sign), Value.Sign(), [this], (g, _) => [Tensor.Zeros(g.ShapeSpan, g.DType)]);

    /// <summary>x^2; d/dx = 2x.</summary>
    public Variable Square()
    {
        var x = Value;
        return Record(nameof(Square), x.Square(), [this], (g, _) => [g * x * 2.0]);
    }

    /// <summary>1/x; d/dx = -1/x^2 = -y^2.</summary>
    public Variable Reciprocal()
    {
        var y = Value.Reciprocal();
        return Record(nameof(Reciprocal), y, [this], (g, _) => [(g * y.Square()).Neg()]);
    }

    /// <summary>Converts to another float dtype; the gradient is converted back.</summary>
    public Variable Cast(DType dtype)
    {
        if (dtype == DType) return this;
        var source = DType;
        return Record(nameof(Cast), Value.Cast(dtype), [this], (g, _) => [g.Cast(source)]);
    }
}

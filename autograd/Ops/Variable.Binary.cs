using Qail.Engine;

namespace Qail.Autograd;

// Elementwise binary ops with NumPy broadcasting: each input's gradient is summed back to its own shape.
public sealed partial class Variable
{
    /// <summary>a + b (broadcasting).</summary>
    public static Variable Add(Variable a, Variable b)
    {
        var (sa, sb) = (a.Value.ShapeToArray(), b.Value.ShapeToArray());
        return Record(nameof(Add), Tensor.Add(a.Value, b.Value), [a, b], (g, n) =>
            [n[0] ? Unbroadcast(g, sa) : null, n[1] ? Unbroadcast(g, sb) : null]);
    }

    /// <summary>a - b (broadcasting).</summary>
    public static Variable Sub(Variable a, Variable b)
    {
        var (sa, sb) = (a.Value.ShapeToArray(), b.Value.ShapeToArray());
        return Record(nameof(Sub), Tensor.Sub(a.Value, b.Value), [a, b], (g, n) =>
            [n[0] ? Unbroadcast(g, sa) : null, n[1] ? Unbroadcast(g.Neg(), sb) : null]);
    }

    /// <summary>a * b (broadcasting).</summary>
    public static Variable Mul(Variable a, Variable b)
    {
        var (x, y) = (a.Value, b.Value);
        return Record(nameof(Mul), Tensor.Mul(x, y), [a, b], (g, n) =>
            [n[0] ? Unbroadcast(g * y, x.ShapeToArray()) : null, n[1] ? Unbroadcast(g * x, y.ShapeToArray()) : null]);
    }

    /// <summary>a / b (broadcasting); d/db = -a/b^2.</summary>
    public static Variable Div(Variable a, Variable b)
    {
        var (x, y) = (a.Value, b.Value);
        var q = Tensor.Div(x, y);
        return Record(nameof(Div), q, [a, b], (g, n) =>
            [n[0] ? Unbroadcast(g / y, x.ShapeToArray()) : null,
                n[1] ? Unbroadcast((g * q / y).Neg(), y.ShapeToArray()) : null]);
    }

    /// <summary>
    /// a^b (broadcasting). d/da = b a^(b-1); d/db = a^b ln a, taken as 0 where a &lt;= 0 (there it is undefined or, at
    /// a = 0, the limit 0).
    /// </summary>
    public static Variable Pow(Variable a, Variable b)
    {
        var (x, e) = (a.Value, b.Value);
        var y = Tensor.Pow(x, e);
        return Record(nameof(Pow), y, [a, b], (g, n) =>
        {
            Tensor? ga = n[0] ? Unbroadcast(g * e * Tensor.Pow(x, e - 1.0), x.ShapeToArray()) : null;
            Tensor? gb = null;
            if (n[1])
            {
                var zero = Tensor.Zeros([], x.DType);
                var positive = Tensor.Gt(x, zero);
                var safeLog = Tensor.Where(positive, x, Tensor.Ones([], x.DType)).Log();
                gb = Unbroadcast(Tensor.Where(positive, g * y * safeLog, zero), e.ShapeToArray());
            }
            return [ga, gb];
        });
    }

    /// <summary>Elementwise maximum (broadcasting); at ties the gradient is split equally between a and b.</summary>
    public static Variable Maximum(Variable a, Variable b) =>
        Extremum(nameof(Maximum), a, b, Tensor.Maximum(a.Value, b.Value), Tensor.Gt(a.Value, b.Value));

    /// <summary>Elementwise minimum (broadcasting); at ties the gradient is split equally between a and b.</summary>
    public static Variable Minimum(Variable a, Variable b) =>
        Extremum(nameof(Minimum), a, b, Tensor.Minimum(a.Value, b.Value), Tensor.Lt(a.Value, b.Value));

    private static Variable Extremum(string op, Variable a, Variable b, Tensor y, Tensor aWins)
    {
        var (x, z) = (a.Value, b.Value);
        return Record(op, y, [a, b], (g, n) =>
        {
            // Share of the gradient going to a: 1 where a wins, 1/2 at ties, 0 where b wins.
            var share = aWins.Cast(g.DType) + Tensor.Eq(x, z).Cast(g.DType) * 0.5;
            var ga = g * share;
            return [n[0] ? Unbroadcast(ga, x.ShapeToArray()) : null,
                n[1] ? Unbroadcast(g - ga, z.ShapeToArray()) : null];
        });
    }

    /// <summary>x + s.</summary>
    public static Variable Add(Variable x, double s) => Record(nameof(Add), x.Value + s, [x], (g, _) => [g]);

    /// <summary>x - s.</summary>
    public static Variable Sub(Variable x, double s) => Record(nameof(Sub), x.Value - s, [x], (g, _) => [g]);

    /// <summary>s - x.</summary>
    public static Variable Sub(double s, Variable x) => Record(nameof(Sub), s - x.Value, [x], (g, _) => [g.Neg()]);

    /// <summary>x * s.</summary>
    public static Variable Mul(Variable x, double s) => Record(nameof(Mul), x.Value * s, [x], (g, _) => [g * s]);

    /// <summary>x / s.</summary>
    public static Variable Div(Variable x, double s) => Record(nameof(Div), x.Value / s, [x], (g, _) => [g / s]);

    /// <summary>s / x; d/dx = -s/x^2.</summary>
    public static Variable Div(double s, Variable x)
    {
        var v = x.Value;
        var y = s / v;
        return Record(nameof(Div), y, [x], (g, _) => [(g * y / v).Neg()]);
    }

    /// <summary>x^p for a constant exponent; d/dx = p x^(p-1).</summary>
    public static Variable Pow(Variable x, double p)
    {
        var v = x.Value;
        return Record(nameof(Pow), Tensor.Pow(v, p), [x], (g, _) => [g * Tensor.Pow(v, p - 1) * p]);
    }

    /// <summary>
    /// s^x for a constant base (the <see cref="Pow(Variable, Variable)"/> rule with a constant base).
    /// </summary>
    public static Variable Pow(double s, Variable x) => Pow(Constant(Tensor.Scalar(s, x.DType)), x);

    /// <summary>
    /// max(x, s) elementwise; ties with s pass half the gradient (the <see cref="Maximum(Variable, Variable)"/> rule).
    /// </summary>
    public static Variable Maximum(Variable x, double s) => Maximum(x, Constant(Tensor.Scalar(s, x.DType)));

    /// <summary>
    /// min(x, s) elementwise; ties with s pass half the gradient (the <see cref="Minimum(Variable, Variable)"/> rule).
    /// </summary>
    public static Variable Minimum(Variable x, double s) => Minimum(x, Constant(Tensor.Scalar(s, x.DType)));

    /// <summary>a + b.</summary>
    public static Variable operator +(Variable a, Variable b) => Add(a, b);
    /// <summary>a - b.</summary>
    public static Variable operator -(Variable a, Variable b) => Sub(a, b);
    /// <summary>a * b.</summary>
    public static Variable operator *(Variable a, Variable b) => Mul(a, b);
    /// <summary>a / b.</summary>
    public static Variable operator /(Variable a, Variable b) => Div(a, b);
    /// <summary>-x.</summary>
    public static Variable operator -(Variable x) => x.Neg();
    /// <summary>x + s.</summary>
    public static Variable operator +(Variable x, double s) => Add(x, s);
    /// <summary>s + x.</summary>
    public static Variable operator +(double s, Variable x) => Add(x, s);
    /// <summary>x - s.</summary>
    public static Variable operator -(Variable x, double s) => Sub(x, s);
    /// <summary>s - x.</summary>
    public static Variable operator -(double s, Variable x) => Sub(s, x);
    /// <summary>x * s.</summary>
    public static Variable operator *(Variable x, double s) => Mul(x, s);
    /// <summary>s * x.</summary>
    public static Variable operator *(double s, Variable x) => Mul(x, s);
    /// <summary>x / s.</summary>
    public static Variable operator /(Variable x, double s) => Div(x, s);
    /// <summary>s / x.</summary>
    public static Variable operator /(double s, Variable x) => Div(s, x);

    /// <summary>
    /// Selects a where <paramref name="condition"/> (a uint8 mask) is non-zero, else b (broadcasting); the mask gets no
    /// gradient.
    /// </summary>
    public static Variable Where(Tensor condition, Variable a, Variable b)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var (sa, sb) = (a.Value.ShapeToArray(), b.Value.ShapeToArray());
        return Record(nameof(Where), Tensor.Where(condition, a.Value, b.Value), [a, b], (g, n) =>
        {
            var zero = Tensor.Zeros([], g.DType);
            return [n[0] ? Unbroadcast(Tensor.Where(condition, g, zero), sa) : null,
                    n[1] ? Unbroadcast(Tensor.Where(condition, zero, g), sb) : null];
        });
    }

    // Sums a broadcast gradient back to the shape of the input it flows to.
    private static Tensor Unbroadcast(Tensor gradient, int[] shape) =>
        Shapes.Equal(gradient.ShapeSpan, shape) ? gradient : gradient.SumToShape(shape);
}

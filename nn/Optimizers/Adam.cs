using System.Numerics;
using System.Runtime.InteropServices;
using Qail.Autograd;

namespace Qail.Nn;

/// <summary>
/// Adam with bias correction (Kingma and Ba); a group's weight decay is an L2 term added to the gradient.
/// m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps).
/// </summary>
public class Adam : Optimizer
{
    /// <summary>One group over <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Variable> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)], beta1, beta2, epsilon) { }

    /// <summary>Several groups sharing betas and epsilon.</summary>
    public Adam(IEnumerable<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(groups)
    {
        if (!(beta1 >= 0 && beta1 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{GetType().Name}: beta1 must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1))
            throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{GetType().Name}: beta2 must lie in [0, 1).");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon,
                $"{GetType().Name}: epsilon must be positive.");
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
    }

    /// <summary>First-moment decay.</summary>
    public double Beta1 { get; }

    /// <summary>Second-moment decay.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator guard.</summary>
    public double Epsilon { get; }

    /// <summary>True when weight decay shrinks the weights directly instead of entering the gradient (AdamW).</summary>
    protected virtual bool DecoupledWeightDecay => false;

    /// <inheritdoc/>
    protected override int StateBuffers => 2;

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> value, ReadOnlySpan<T> grad, T[][] state,
        long steps)
    {
        T lr = T.CreateTruncating(group.LearningRate), wd = T.CreateTruncating(group.WeightDecay);
        T b1 = T.CreateTruncating(Beta1), b2 = T.CreateTruncating(Beta2), eps = T.CreateTruncating(Epsilon);
        T c1 = T.CreateTruncating(1 - Math.Pow(Beta1, steps)), c2 = T.CreateTruncating(1 - Math.Pow(Beta2, steps));
        T shrink = T.One - lr * wd;
        T[] m = state[0], v = state[1];
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.IsSupported)
        {
            // The same operations in the same order as the scalar loop below, so both give the same bits.
            var values = MemoryMarshal.Cast<T, Vector<T>>(value);
            var grads = MemoryMarshal.Cast<T, Vector<T>>(grad);
            var ms = MemoryMarshal.Cast<T, Vector<T>>(m.AsSpan(0, value.Length));
            var vs = MemoryMarshal.Cast<T, Vector<T>>(v.AsSpan(0, value.Length));
            Vector<T> vb1 = new(b1), vb2 = new(b2), vc1 = new(c1), vc2 = new(c2), vlr = new(lr), veps = new(eps);
            Vector<T> vwd = new(wd), vshrink = new(shrink), one1 = new(T.One - b1), one2 = new(T.One - b2);
            for (int k = 0; k < values.Length; k++)
            {
                var g = grads[k];
                if (DecoupledWeightDecay) values[k] *= vshrink;
                else g += vwd * values[k];
                ms[k] = vb1 * ms[k] + one1 * g;
                vs[k] = vb2 * vs[k] + one2 * g * g;
                values[k] -= vlr * (ms[k] / vc1) / (Vector.SquareRoot(vs[k] / vc2) + veps);
            }
            i = values.Length * Vector<T>.Count;
        }
        for (; i < value.Length; i++)
        {
            T g = grad[i];
            if (DecoupledWeightDecay) value[i] *= shrink;
            else g += wd * value[i];
            m[i] = b1 * m[i] + (T.One - b1) * g;
            v[i] = b2 * v[i] + (T.One - b2) * g * g;
            value[i] -= lr * (m[i] / c1) / (T.Sqrt(v[i] / c2) + eps);
        }
    }
}

using Qail.Autograd;

namespace Qail.Nn;

/// <summary>
/// Adam with bias correction (Kingma and Ba); a group's weight decay is an L2 term added to the gradient.
/// m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps).
/// </summary>
public class Adam : Optimizer
{
    /// <summary>One group over <paramref name="parameters"/>.</summary>
    public Adam(IEnumerable<Variable> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)], beta1, beta2, epsilon) { }

    /// <summary>Several groups sharing betas and epsilon.</summary>
    public Adam(IEnumerable<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8) : base(groups)
    {
        if (!(beta1 >= 0 && beta1 < 1)) throw new ArgumentOutOfRangeException(nameof(beta1), beta1, $"{GetType().Name}: beta1 must lie in [0, 1).");
        if (!(beta2 >= 0 && beta2 < 1)) throw new ArgumentOutOfRangeException(nameof(beta2), beta2, $"{GetType().Name}: beta2 must lie in [0, 1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"{GetType().Name}: epsilon must be positive.");
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
    protected override void Update<T>(ParameterGroup group, Span<T> value, ReadOnlySpan<T> grad, T[][] state, long steps)
    {
        T lr = T.CreateTruncating(group.LearningRate), wd = T.CreateTruncating(group.WeightDecay);
        T b1 = T.CreateTruncating(Beta1), b2 = T.CreateTruncating(Beta2), eps = T.CreateTruncating(Epsilon);
        T c1 = T.CreateTruncating(1 - Math.Pow(Beta1, steps)), c2 = T.CreateTruncating(1 - Math.Pow(Beta2, steps));
        T shrink = T.One - lr * wd;
        T[] m = state[0], v = state[1];
        for (int i = 0; i < value.Length; i++)
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

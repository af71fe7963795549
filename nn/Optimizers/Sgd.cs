using System.Numerics;
using Qail.Autograd;

namespace Qail.Nn;

/// <summary>
/// Stochastic gradient descent with optional momentum and Nesterov momentum (PyTorch semantics, no dampening):
/// g = grad + wd*p; b = mu*b + g; step = nesterov ? g + mu*b : b; p -= lr*step.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>One group over <paramref name="parameters"/>.</summary>
    public Sgd(IEnumerable<Variable> parameters, double learningRate, double momentum = 0, bool nesterov = false,
        double weightDecay = 0)
        : this([new ParameterGroup(parameters, learningRate, weightDecay)], momentum, nesterov) { }

    /// <summary>Several groups sharing the momentum settings.</summary>
    public Sgd(IEnumerable<ParameterGroup> groups, double momentum = 0, bool nesterov = false) : base(groups)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Sgd: momentum must lie in [0, 1).");
        if (nesterov && momentum == 0)
            throw new ArgumentException("Sgd: Nesterov momentum needs momentum > 0.", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
    }

    /// <summary>Momentum coefficient mu.</summary>
    public double Momentum { get; }

    /// <summary>True for Nesterov momentum.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    protected override int StateBuffers => Momentum > 0 ? 1 : 0;

    /// <inheritdoc/>
    protected override void Update<T>(ParameterGroup group, Span<T> value, ReadOnlySpan<T> grad, T[][] state,
        long steps)
    {
        T lr = T.CreateTruncating(group.LearningRate), wd = T.CreateTruncating(group.WeightDecay),
            mu = T.CreateTruncating(Momentum);
        for (int i = 0; i < value.Length; i++)
        {
            T g = grad[i] + wd * value[i];
            if (state.Length > 0)
            {
                T b = state[0][i] = mu * state[0][i] + g;
                g = Nesterov ? g + mu * b : b;
            }
            value[i] -= lr * g;
        }
    }
}

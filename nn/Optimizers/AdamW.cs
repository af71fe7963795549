using Qail.Autograd;

namespace Qail.Nn;

/// <summary>Adam with decoupled weight decay (Loshchilov and Hutter): p *= 1 - lr*wd before the Adam step.</summary>
public sealed class AdamW : Adam
{
    /// <summary>One group over <paramref name="parameters"/> (default decay 0.01, as in PyTorch).</summary>
    public AdamW(IEnumerable<Variable> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double epsilon = 1e-8, double weightDecay = 0.01)
        : base([new ParameterGroup(parameters, learningRate, weightDecay)], beta1, beta2, epsilon) { }

    /// <summary>Several groups sharing betas and epsilon; each group's decay is decoupled.</summary>
    public AdamW(IEnumerable<ParameterGroup> groups, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
        : base(groups, beta1, beta2, epsilon) { }

    /// <inheritdoc/>
    protected override bool DecoupledWeightDecay => true;
}

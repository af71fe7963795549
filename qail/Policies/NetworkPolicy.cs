using Qail.Autograd;
using Qail.Envs;

namespace Qail.Policies;

/// <summary>
/// Runs a <see cref="PolicyNetwork"/> (full precision or fake-quantized) step by step in evaluation mode.
/// This is the training-side policy; deployed integer policies come from the exporter.
/// </summary>
public sealed class NetworkPolicy : IPolicy
{
    private readonly PolicyNetwork _network;

    /// <summary>Wraps <paramref name="network"/>, switching it to evaluation mode.</summary>
    public NetworkPolicy(PolicyNetwork network, string label)
    {
        _network = network ?? throw new ArgumentNullException(nameof(network));
        _network.Eval();
        Label = label ?? throw new ArgumentNullException(nameof(label));
    }

    public string Label { get; }

    /// <summary>The wrapped network.</summary>
    public PolicyNetwork Network => _network;

    public float[] Act(Observation observation)
    {
        using var noGrad = GradMode.NoGrad();
        var outputs = _network.Predict(PolicyBatch.FromObservation(observation, _network.Spec)).Value;
        return _network.ToAction(outputs, 0);
    }

    public IPolicy Replicate() => new NetworkPolicy((PolicyNetwork)_network.DeepCopy(), Label);
}

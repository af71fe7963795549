using Qail.Autograd;
using Qail.Envs;

namespace Qail.Policies;

/// <summary>
/// Acts with a <see cref="PolicyNetwork"/> (full precision or fake-quantized) in evaluation mode, step by step.
/// This is the training-side policy; deployed integer policies come from the exporter.
/// </summary>
public sealed class EvalModePolicy : IPolicy
{
    private readonly PolicyNetwork _network;

    /// <summary>Wraps <paramref name="network"/>, switching it to evaluation mode.</summary>
    public EvalModePolicy(PolicyNetwork network, string label)
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
        ArgumentNullException.ThrowIfNull(observation);
        if (observation.State is { } state) ObservationCheck.State(state, "EvalModePolicy.Act");
        using var noGrad = GradMode.NoGrad();
        var outputs = _network.Predict(PolicyBatch.FromObservation(observation, _network.Spec)).Value;
        var action = _network.ToAction(outputs, 0);
        // Weights that overflow (finite but huge) would otherwise reach the env as NaN.
        for (int i = 0; i < action.Length; i++)
            if (!float.IsFinite(action[i]))
                throw new InvalidDataException(
                    $"EvalModePolicy.Act: '{Label}' computed action[{i}] = {action[i]}; its weights overflow.");
        return action;
    }

    public IPolicy Replicate() => new EvalModePolicy((PolicyNetwork)_network.DeepCopy(), Label);
}

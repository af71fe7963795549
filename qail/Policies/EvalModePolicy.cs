using Qail.Autograd;
using Qail.Envs;
using Qail.Nn;

namespace Qail.Policies;

/// <summary>
/// Acts with a <see cref="PolicyNetwork"/> (full precision or fake-quantized) in evaluation mode, step by step.
/// This is the training-side policy; deployed integer policies come from the exporter.
/// </summary>
public sealed class EvalModePolicy : IBatchPolicy
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

    public float[][] ActBatch(IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        foreach (var observation in observations)
            if (observation.State is { } state) ObservationCheck.State(state, "EvalModePolicy.ActBatch");
        using var noGrad = GradMode.NoGrad();
        var actions = new float[observations.Count][];
        for (int first = 0; first < actions.Length; first += RowsPerForward)
        {
            var rows = observations.Skip(first).Take(RowsPerForward).ToArray();
            var outputs = _network.Predict(PolicyBatch.FromObservations(rows, _network.Spec)).Value;
            for (int row = 0; row < rows.Length; row++)
            {
                var action = actions[first + row] = _network.ToAction(outputs, row);
                for (int i = 0; i < action.Length; i++)
                    if (!float.IsFinite(action[i]))
                        throw new InvalidDataException($"EvalModePolicy.ActBatch: '{Label}' computed action[{i}] = "
                            + $"{action[i]} for row {first + row}; its weights overflow.");
            }
        }
        return actions;
    }

    // Rows per forward pass: up to 4 rows the float GEMM takes its few-row path, which sums each row exactly as it
    // sums a single one; more rows go through the packed kernel, whose summation order differs in the last bits.
    // Four keeps a batch's actions bit for bit those of one observation at a time.
    private const int RowsPerForward = 4;

    /// <summary>
    /// A copy for another worker, with each weight transform (a fake quantizer) applied once and stored as the
    /// weight: the replica's weights never change, so recomputing the transform every step only costs time. The
    /// transform is the same computation either way, so its actions are bit for bit those of this policy.
    /// </summary>
    public IPolicy Replicate()
    {
        var copy = (PolicyNetwork)_network.DeepCopy();
        copy.Eval();
        using (GradMode.NoGrad())
            foreach (var (_, module) in copy.NamedModules())
                if (module is WeightedLayer { WeightTransform: not null } layer)
                {
                    layer.EffectiveWeight().Value.Clone().CopyTo(layer.Weight.Value);
                    layer.WeightTransform = null;
                }
        return new EvalModePolicy(copy, Label);
    }
}

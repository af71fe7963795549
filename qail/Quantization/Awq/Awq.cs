using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// Activation-aware weight quantization (AWQ; SmoothQuant-style migration when activations are quantized too), a
/// post-training baseline next to round-to-nearest: input channels that carry large activations get their weight
/// columns scaled up by s before quantization and the producer of the input absorbs 1/s, so the full-precision
/// function is unchanged and salient channels lose less to rounding. The scale per group is searched on calibration
/// data. Producers: a Linear's rows, a norm's scale and shift (a batch norm carries 1/s into its convolution when
/// folded), a state normaliser's divisor; layers with no such producer stay at round-to-nearest and are reported.
/// </summary>
public static class Awq
{
    /// <summary>
    /// Rescales a copy of <paramref name="network"/> (the input is not modified) group by group in forward order, then
    /// prepares it as round-to-nearest PTQ does: <see cref="Quantizer.Prepare"/> with <paramref name="config"/> and,
    /// when activations are quantized, <see cref="Quantizer.CalibrateActivations"/> on <paramref name="calibration"/>.
    /// </summary>
    public static AwqResult Apply(PolicyNetwork network, QuantConfig config, IReadOnlyList<PolicyBatch> calibration,
        AwqOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(calibration);
        options ??= new AwqOptions();
        options.Validate();
        config.Validate();
        if (calibration.Count == 0)
            throw new ArgumentException("Awq.Apply: no calibration batches were given.", nameof(calibration));
        var working = (PolicyNetwork)network.DeepCopy();
        foreach (var (path, module) in working.NamedModules())
            if (module is WeightedLayer { WeightTransform: not null } or WeightedLayer { InputTransform: not null })
                throw new ArgumentException($"Awq.Apply: layer '{path}' already holds a weight or input transform; "
                    + "give the full-precision network.", nameof(network));

        var specs = Quantizer.Layers(Quantizer.Prepare(working, config, options.WeightCalibration, options.Seed))
            .ToDictionary(l => l.Path, l => (Weight: l.Weight?.Spec, Input: l.Input?.Spec));
        var plan = AwqPlan.For(working);
        var inputs = AwqLayerInputs.Capture(working, plan.Groups.SelectMany(g => g.Readers), calibration,
            options.SearchSamples);
        var divisors = inputs.ToDictionary(i => i.Key, i => Enumerable.Repeat(1.0, i.Value.MeanAbs.Length).ToArray());
        var scalings = new List<AwqScaling>();
        var skipped = new List<AwqSkip>(plan.Skipped);
        foreach (var group in plan.Groups)
        {
            // Row scales change a per-tensor weight grid, so a quantized per-tensor layer cannot absorb 1/s losslessly.
            var perTensor = group.Producers.FirstOrDefault(p =>
                p.WeightLayer is string layer && specs.TryGetValue(layer, out var s)
                && s.Weight?.Granularity == QuantGranularity.PerTensor);
            var search = new AwqSearch(group, inputs, divisors, specs, options.WeightCalibration);
            string? reason = !search.HasQuantizedReaders ? "kept in full precision by the config"
                : perTensor is not null ? $"its producer {perTensor.Path} puts 1/s into the per-tensor weight scales "
                    + $"of {perTensor.WeightLayer}, which row scaling would change" : null;
            if (reason is not null)
            {
                skipped.AddRange(group.Readers.Select(r => new AwqSkip(r.Path, reason)));
                continue;
            }
            var (alpha, scales, rtnError, error) = search.Find(options.AlphaSteps, options.StatisticFloor,
                options.FixedAlpha);
            if (alpha > 0) Rescale(group, scales, divisors);
            scalings.Add(new AwqScaling([.. group.Readers.Select(r => r.Path)],
                [.. group.Producers.Select(p => p.Path)], alpha, rtnError, error));
        }

        var student = (PolicyNetwork)Quantizer.Prepare(working, config, options.WeightCalibration, options.Seed);
        if (config.Activations is not null)
            Quantizer.CalibrateActivations(student, calibration, b => student.Predict(b));
        return new AwqResult(student, working, scalings, skipped);
    }

    // Readers' weight columns times s, producers' outputs divided by s: the network computes the same function.
    private static void Rescale(AwqScaleGroup group, double[] scales, Dictionary<string, double[]> divisors)
    {
        foreach (var reader in group.Readers)
        {
            var factors = Enumerable.Repeat(1.0, reader.Columns).ToArray();
            var divisor = divisors[reader.Path];
            for (int c = 0; c < group.Channels; c++)
                for (int p = 0; p < reader.Repeat; p++)
                {
                    int column = reader.Offset + c * reader.Repeat + p;
                    factors[column] = scales[c];
                    divisor[column] *= scales[c];
                }
            AwqFold.ScaleAxis(reader.Layer.Weight.Value, 1, factors);
        }
        foreach (var producer in group.Producers) producer.DivideOutputs(scales);
    }
}

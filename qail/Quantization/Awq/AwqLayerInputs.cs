using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Policies;

namespace Qail.Quantization;

/// <summary>
/// One weight layer's full-precision inputs on the calibration data: per-column statistics over every batch
/// (mean |x| for the scales, min and max for the activation range) and the first samples kept for the error search.
/// </summary>
internal sealed class AwqLayerInputs
{
    private readonly List<Tensor> _kept = [];
    private readonly int _axis;
    private int _keptSamples;
    private long _count;

    private AwqLayerInputs(int columns, int axis)
    {
        _axis = axis;
        MeanAbs = new double[columns];
        Min = Enumerable.Repeat(double.PositiveInfinity, columns).ToArray();
        Max = Enumerable.Repeat(double.NegativeInfinity, columns).ToArray();
    }

    /// <summary>Mean |x| per input column over all calibration inputs.</summary>
    public double[] MeanAbs { get; }

    /// <summary>Smallest value per input column.</summary>
    public double[] Min { get; }

    /// <summary>Largest value per input column.</summary>
    public double[] Max { get; }

    /// <summary>
    /// The kept inputs: [N, K] rows for a Linear (leading axes flattened), [N, C, H, W] for a convolution.
    /// </summary>
    public Tensor Samples { get; private set; } = Tensor.Zeros([0]);

    /// <summary>
    /// Runs <paramref name="network"/> (full precision, evaluation mode) on <paramref name="batches"/> and records the
    /// inputs of
    /// <paramref name="readers"/>, keeping the first <paramref name="searchSamples"/> batch rows of each for the
    /// search.
    /// </summary>
    public static IReadOnlyDictionary<string, AwqLayerInputs> Capture(PolicyNetwork network,
        IEnumerable<AwqReader> readers,
        IReadOnlyList<PolicyBatch> batches, int searchSamples)
    {
        var inputs = new Dictionary<string, AwqLayerInputs>();
        var hooked = new List<WeightedLayer>();
        bool wasTraining = network.IsTraining;
        network.Eval();
        try
        {
            foreach (var reader in readers)
            {
                if (inputs.ContainsKey(reader.Path)) continue;
                var record = new AwqLayerInputs(reader.Columns, reader.InputAxis);
                inputs[reader.Path] = record;
                reader.Layer.InputTransform = new FunctionTransform(x =>
                {
                    record.Observe(x.Value, searchSamples);
                    return x;
                });
                hooked.Add(reader.Layer);
            }
            using (GradMode.NoGrad())
                foreach (var batch in batches) network.Predict(batch);
        }
        finally
        {
            foreach (var layer in hooked) layer.InputTransform = null;
            network.Train(wasTraining);
        }
        foreach (var record in inputs.Values) record.Finish();
        return inputs;
    }

    private void Observe(Tensor input, int searchSamples)
    {
        int columns = MeanAbs.Length;
        var values = input.Cast(DType.Float64).Contiguous().ToArray<double>();
        // Linear: column = index % columns; convolution [N, C, H, W]: column = (index / (H*W)) % C.
        int inner = _axis == -1 ? 1 : input.Size(2) * input.Size(3);
        for (long i = 0; i < values.Length; i++)
        {
            int c = (int)(i / inner % columns);
            double v = values[i];
            if (!double.IsFinite(v))
                throw new ArgumentException($"Awq: a calibration input holds the non-finite value {v}.");
            MeanAbs[c] += Math.Abs(v);
            if (v < Min[c]) Min[c] = v;
            if (v > Max[c]) Max[c] = v;
        }
        _count += values.Length / columns;
        int take = Math.Min(input.Size(0), searchSamples - _keptSamples);
        if (take <= 0) return;
        var kept = input.Slice(0, 0, take).Contiguous();
        _kept.Add(_axis == -1 ? kept.Reshape(-1, columns) : kept);
        _keptSamples += take;
    }

    private void Finish()
    {
        if (_count == 0 || _kept.Count == 0)
            throw new ArgumentException("Awq: a layer saw no calibration inputs; give at least one non-empty batch.");
        for (int c = 0; c < MeanAbs.Length; c++) MeanAbs[c] /= _count;
        Samples = _kept.Count == 1 ? _kept[0] : Tensor.Concat(_kept, 0);
        _kept.Clear();
    }
}

using Qail.Autograd;
using Qail.Engine;
using Qail.Quantization.Observers;

namespace Qail.Quantization;

/// <summary>
/// AWQ's grid search for one scale group: s_c = mean|x_c|^alpha (normalised so that max(s) min(s) = 1) for alpha on a
/// grid from 0 (round-to-nearest) to 1, scored by the summed squared output error of the group's quantized layers,
/// ||Q_w(W diag(s)) Q_a(x / s) - W x||^2, on the kept calibration inputs. Q_a is the per-tensor activation quantizer
/// with the min/max range the rescaled inputs would calibrate to, so W8A8 and W4A4 also weigh SmoothQuant's migration.
/// </summary>
internal sealed class AwqSearch
{
    private readonly AwqScaleGroup _group;
    private readonly IReadOnlyList<Candidate> _readers;
    private readonly CalibrationMethod _weightCalibration;

    /// <summary>
    /// Prepares the search over the layers of <paramref name="group"/> that <paramref name="specs"/> quantizes.
    /// </summary>
    /// <param name="group">The group, holding the working network's current weights.</param>
    /// <param name="inputs">Full-precision inputs of the original network, per reader path.</param>
    /// <param name="divisors">Per reader, what each of its input columns is already divided by (earlier groups'
    /// scales).</param>
    /// <param name="specs">Per layer path, its weight and input quantization (null where the config keeps it in full
    /// precision).</param>
    /// <param name="weightCalibration">The weight range calibration the prepared student will use.</param>
    public AwqSearch(AwqScaleGroup group, IReadOnlyDictionary<string, AwqLayerInputs> inputs,
        IReadOnlyDictionary<string, double[]> divisors,
        IReadOnlyDictionary<string, (TensorQuantSpec? Weight, TensorQuantSpec? Input)> specs,
        CalibrationMethod weightCalibration)
    {
        _group = group;
        _weightCalibration = weightCalibration;
        _readers = group.Readers.Where(r => specs[r.Path].Weight is not null)
            .Select(r => new Candidate(r, inputs[r.Path], divisors[r.Path], specs[r.Path].Weight!,
                specs[r.Path].Input)).ToList();
    }

    /// <summary>
    /// True when at least one reader of the group is quantized (otherwise scaling cannot change any error).
    /// </summary>
    public bool HasQuantizedReaders => _readers.Count > 0;

    /// <summary>
    /// Scores alpha = 0, 1/steps, ..., 1 and returns the best (ties keep the smaller alpha, so round-to-nearest wins
    /// unless beaten), its scales, and the errors at alpha 0 and at the returned alpha. A <paramref name="fixedAlpha"/>
    /// is taken as is.
    /// </summary>
    public (double Alpha, double[] Scales, double RoundToNearestError, double Error) Find(int steps,
        double statisticFloor, double? fixedAlpha)
    {
        var mean = ChannelMeanAbs();
        double floor = statisticFloor * mean.Max();
        using var noGrad = GradMode.NoGrad();
        var ones = Enumerable.Repeat(1.0, _group.Channels).ToArray();
        double rtn = Error(ones);
        var best = (Alpha: 0.0, Scales: ones, Error: rtn);
        if (!(floor > 0)) return (0, ones, rtn, rtn); // every channel is silent: all alphas give round-to-nearest
        if (fixedAlpha is double alpha)
        {
            var scales = Scales(mean, floor, alpha);
            return (alpha, scales, rtn, Error(scales));
        }
        for (int k = 1; k <= steps; k++)
        {
            var scales = Scales(mean, floor, (double)k / steps);
            double error = Error(scales);
            if (error < best.Error) best = ((double)k / steps, scales, error);
        }
        return (best.Alpha, best.Scales, rtn, best.Error);
    }

    private double Error(double[] scales) => _readers.Sum(r => r.Error(_group, scales, _weightCalibration));

    // mean |x_c| of the group's channels as the first quantized reader currently sees them (all readers see the same
    // producer output).
    private double[] ChannelMeanAbs()
    {
        var (reader, stats, divisor) = (_readers[0].Reader, _readers[0].Inputs, _readers[0].Divisor);
        var mean = new double[_group.Channels];
        for (int ch = 0; ch < mean.Length; ch++)
        {
            for (int p = 0; p < reader.Repeat; p++)
            {
                int column = reader.Offset + ch * reader.Repeat + p;
                mean[ch] += stats.MeanAbs[column] / divisor[column];
            }
            mean[ch] /= reader.Repeat;
        }
        return mean;
    }

    private static double[] Scales(double[] mean, double floor, double alpha)
    {
        var scales = mean.Select(m => Math.Pow(Math.Max(m, floor), alpha)).ToArray();
        double norm = Math.Sqrt(scales.Max() * scales.Min());
        return scales.Select(s => s / norm).ToArray();
    }

    private sealed class Candidate
    {
        private readonly Tensor _reference;

        public Candidate(AwqReader reader, AwqLayerInputs inputs, double[] divisor, TensorQuantSpec weight,
            TensorQuantSpec? input)
        {
            (Reader, Inputs, Divisor, WeightSpec, InputSpec) = (reader, inputs, divisor, weight, input);
            using var noGrad = GradMode.NoGrad();
            var x = Divided(Enumerable.Repeat(1.0, divisor.Length).ToArray());
            _reference = reader.Layer.ForwardWith(Variable.Constant(x), reader.Layer.Weight).Value;
        }

        public AwqReader Reader { get; }
        public AwqLayerInputs Inputs { get; }
        public double[] Divisor { get; }
        public TensorQuantSpec WeightSpec { get; }
        public TensorQuantSpec? InputSpec { get; }

        public double Error(AwqScaleGroup group, double[] scales, CalibrationMethod weightCalibration)
        {
            var factors = ColumnFactors(group, scales);
            var layer = Reader.Layer;
            var weight = layer.Weight.Value * AwqFold.Broadcast(factors, layer.Weight.Value.Rank, 1,
                layer.Weight.DType);
            var weightQuantizer = new FakeQuantize(WeightSpec, QuantTarget.Weight, weight.ShapeToArray(),
                dtype: weight.DType);
            weightQuantizer.Eval();
            weightQuantizer.CalibrateWeight(weight, weightCalibration);
            var x = Variable.Constant(Divided(factors));
            if (InputSpec is TensorQuantSpec spec)
            {
                double min = double.PositiveInfinity, max = double.NegativeInfinity;
                for (int j = 0; j < factors.Length; j++)
                {
                    min = Math.Min(min, Inputs.Min[j] / (Divisor[j] * factors[j]));
                    max = Math.Max(max, Inputs.Max[j] / (Divisor[j] * factors[j]));
                }
                var p = MseClippingSearch.Parameters((float)min, (float)max, spec);
                var inputQuantizer = new FakeQuantize(spec, QuantTarget.Activation, dtype: weight.DType);
                inputQuantizer.Eval();
                inputQuantizer.SetScales([p.Scale], [p.ZeroPoint]);
                x = inputQuantizer.Forward(x);
            }
            var y = layer.ForwardWith(x, weightQuantizer.Forward(Variable.Constant(weight))).Value;
            return (y - _reference).Square().Sum().ToDoubleArray()[0];
        }

        // Per input column: s_c on the group's columns, 1 elsewhere.
        private double[] ColumnFactors(AwqScaleGroup group, double[] scales)
        {
            var factors = Enumerable.Repeat(1.0, Divisor.Length).ToArray();
            for (int c = 0; c < group.Channels; c++)
                for (int p = 0; p < Reader.Repeat; p++) factors[Reader.Offset + c * Reader.Repeat + p] = scales[c];
            return factors;
        }

        // The kept original inputs as the rescaled network feeds them: x / (divisor * factors) per column.
        private Tensor Divided(double[] factors)
        {
            var samples = Inputs.Samples;
            var inverse = factors.Select((f, j) => 1 / (Divisor[j] * f)).ToArray();
            int axis = Reader.InputAxis == -1 ? samples.Rank - 1 : Reader.InputAxis;
            return samples * AwqFold.Broadcast(inverse, samples.Rank, axis, samples.DType);
        }
    }
}

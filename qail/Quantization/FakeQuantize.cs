using Qail.Autograd;
using Qail.Engine;
using Qail.Nn;
using Qail.Quantization.Observers;

namespace Qail.Quantization;

/// <summary>
/// A fake quantizer module for <see cref="WeightedLayer.WeightTransform"/> or
/// <see cref="WeightedLayer.InputTransform"/>: rounds values onto the integer grid in the forward pass (as the deployed
/// kernels will) and lets gradients through with the clipped straight-through estimator. Observation and fake
/// quantization switch on and off independently. With <c>learnScale</c> the step sizes are parameters trained by LSQ;
/// otherwise they are buffers set by calibration.
/// </summary>
/// <remarks>Weights are viewed as [rows, K] (rows = output channels) and scales broadcast over that view:
/// per tensor a scalar, per channel [rows, 1], per group [rows, K/G, 1] over the view [rows, K/G, G].</remarks>
public sealed class FakeQuantize : Module
{
    private readonly int[] _scaleShape;
    private readonly long _seed;
    private int _calls;

    /// <summary>
    /// Creates a quantizer for a weight of <paramref name="weightShape"/>, or for activations when the shape is null.
    /// </summary>
    public FakeQuantize(TensorQuantSpec spec, QuantTarget target, int[]? weightShape = null, bool learnScale = false,
        QuantRounding rounding = QuantRounding.NearestEven, long seed = 0, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate(target.ToString());
        Spec = spec;
        Target = target;
        Rounding = rounding;
        _seed = seed;
        if (target == QuantTarget.Weight)
        {
            if (weightShape is null || weightShape.Length < 1)
                throw new ArgumentException("FakeQuantize: a weight quantizer needs the weight's shape.",
                    nameof(weightShape));
            WeightShape = (int[])weightShape.Clone();
            _scaleShape = ScaleShape(spec, WeightShape);
        }
        else
        {
            if (spec.Granularity != QuantGranularity.PerTensor)
                throw new ArgumentException(
                    $"FakeQuantize: activations take per-tensor scales, got {spec.Granularity}.", nameof(spec));
            _scaleShape = [];
        }
        var ones = Tensor.Ones(_scaleShape, dtype);
        if (learnScale) RegisterParameter("scale", ones);
        else RegisterBuffer("scale", ones);
        RegisterBuffer("zero_point", Tensor.Zeros(_scaleShape, dtype));
        LearnsScale = learnScale;
    }

    /// <summary>Bit width, symmetry and granularity.</summary>
    public TensorQuantSpec Spec { get; }

    /// <summary>Weight or activation.</summary>
    public QuantTarget Target { get; }

    /// <summary>Rounding used while training (evaluation always rounds half to even).</summary>
    public QuantRounding Rounding { get; }

    /// <summary>The quantized weight's shape (null for activations).</summary>
    public int[]? WeightShape { get; }

    /// <summary>True when the step sizes are trainable (LSQ).</summary>
    public bool LearnsScale { get; }

    /// <summary>When false the module passes values through unchanged (it may still observe).</summary>
    public bool FakeQuantEnabled { get; set; } = true;

    /// <summary>
    /// When set, every forward feeds its input to this observer (activation calibration); clear it before copying the
    /// module.
    /// </summary>
    public IRangeObserver? Observer { get; set; }

    /// <summary>Step sizes, shaped to broadcast over the grouped view.</summary>
    public Tensor Scale => LearnsScale ? GetParameter("scale").Value : GetBuffer("scale");

    /// <summary>
    /// Zero points (0 for symmetric), shaped like <see cref="Scale"/>; integer values stored as floats.
    /// </summary>
    public Tensor ZeroPoint => GetBuffer("zero_point");

    /// <inheritdoc/>
    public override Variable Forward(Variable input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Observer is not null) Observer.Observe(input.Value.Cast(DType.Float32).Contiguous().AsSpan<float>());
        if (!FakeQuantEnabled) return input;
        var view = Grouped(input);
        var scale = LearnsScale ? GetParameter("scale") : Variable.Constant(GetBuffer("scale"));
        double perScale = Target == QuantTarget.Weight
            ? (double)input.Value.ElementCount / Math.Max(1, Scale.ElementCount)
            : (double)input.Value.ElementCount / Math.Max(1, input.Rank >= 2 ? input.Size(0) : 1);
        double gradScale = 1 / Math.Sqrt(Math.Max(1, perScale) * Spec.QMax);
        var noise = IsTraining && Rounding == QuantRounding.Stochastic
            ? Tensor.RandomUniform(view.Value.ShapeSpan, Init.DeriveSeed(_seed, _calls++), -0.5, 0.5, input.DType)
            : null;
        var output = new LsqFakeQuantizeFunction(Spec.QMin, Spec.QMax, ZeroPoint, gradScale, noise).Apply(view, scale);
        return output.Reshape(input.Value.ShapeToArray());
    }

    /// <summary>Sets the weight's scales (and zero points) from its values, one range per scale cell.</summary>
    public void CalibrateWeight(Tensor weight, CalibrationMethod method = CalibrationMethod.MinMax)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (Target != QuantTarget.Weight || !weight.ShapeSpan.SequenceEqual(WeightShape))
            throw new ArgumentException("CalibrateWeight: expected a weight of shape "
                + $"{Shapes.Format(WeightShape ?? [])}, got {Shapes.Format(weight.ShapeSpan)}.", nameof(weight));
        var values = weight.Cast(DType.Float32).Contiguous().ToArray<float>();
        int cells = (int)Math.Max(1, Scale.ElementCount);
        int cellLength = values.Length / cells;
        var scales = new float[cells];
        var zeros = new float[cells];
        for (int c = 0; c < cells; c++)
        {
            var cell = values.AsSpan(c * cellLength, cellLength);
            var (min, max) = RangeOf(cell, method);
            var p = MseClippingSearch.Parameters(min, max, Spec);
            (scales[c], zeros[c]) = (p.Scale, p.ZeroPoint);
        }
        SetScales(scales, zeros);
    }

    /// <summary>Sets the activation scale from <see cref="Observer"/>'s range and detaches the observer.</summary>
    public void FreezeObserver()
    {
        var observer = Observer
            ?? throw new InvalidOperationException("FreezeObserver: no observer is attached; run calibration first.");
        var (min, max) = observer.Range;
        var p = MseClippingSearch.Parameters(min, max, Spec);
        SetScales([p.Scale], [p.ZeroPoint]);
        Observer = null;
    }

    /// <summary>Overwrites the scales and zero points in place (cell order of the grouped view).</summary>
    public void SetScales(ReadOnlySpan<float> scales, ReadOnlySpan<float> zeroPoints)
    {
        long cells = Math.Max(1, Scale.ElementCount);
        if (scales.Length != cells || zeroPoints.Length != cells)
            throw new ArgumentException(
                $"SetScales: need {cells} scales and zero points, got {scales.Length} and {zeroPoints.Length}.");
        foreach (float s in scales)
            if (!(s > 0) || !float.IsFinite(s))
                throw new ArgumentException($"SetScales: scale {s} must be positive and finite.", nameof(scales));
        Tensor.From(scales, _scaleShape).CopyTo(Scale);
        Tensor.From(zeroPoints, _scaleShape).CopyTo(ZeroPoint);
    }

    private (float Min, float Max) RangeOf(ReadOnlySpan<float> cell, CalibrationMethod method)
    {
        switch (method)
        {
            case CalibrationMethod.Mse: return MseClippingSearch.Find(cell, Spec);
            case CalibrationMethod.Percentile:
                var percentile = new PercentileObserver(seed: _seed);
                percentile.Observe(cell);
                return percentile.Range;
            default:
                var minMax = new MinMaxObserver();
                minMax.Observe(cell);
                return minMax.Range;
        }
    }

    private Variable Grouped(Variable input)
    {
        if (Target == QuantTarget.Activation) return input;
        if (!input.Value.ShapeSpan.SequenceEqual(WeightShape))
            throw new ArgumentException($"FakeQuantize: weight shape {Shapes.Format(input.Value.ShapeSpan)} differs "
                + $"from {Shapes.Format(WeightShape!)}.", nameof(input));
        return Spec.Granularity switch
        {
            QuantGranularity.PerChannel => input.Reshape(WeightShape![0], -1),
            QuantGranularity.PerGroup => input.Reshape(WeightShape![0], -1, Spec.GroupSize),
            _ => input,
        };
    }

    private static int[] ScaleShape(TensorQuantSpec spec, int[] weightShape)
    {
        int rows = weightShape[0];
        long k = Shapes.ElementCount(weightShape) / Math.Max(1, rows);
        return spec.Granularity switch
        {
            QuantGranularity.PerChannel => [rows, 1],
            QuantGranularity.PerGroup when k % spec.GroupSize == 0 => [rows, (int)(k / spec.GroupSize), 1],
            QuantGranularity.PerGroup => throw new ArgumentException(
                $"FakeQuantize: group size {spec.GroupSize} does not divide the {k} inputs per row of weight "
                + $"{Shapes.Format(weightShape)}.", nameof(spec)),
            _ => [],
        };
    }
}
